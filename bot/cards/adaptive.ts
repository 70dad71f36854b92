/**
 * Typed builders for the small subset of Adaptive Cards 1.5 the bot uses, so cards are composed
 * from functions and data instead of pasted JSON.
 */
export type CardElement =
  | {
      readonly type: 'TextBlock';
      readonly text: string;
      readonly wrap: true;
      readonly size?: 'Small' | 'Default' | 'Medium' | 'Large';
      readonly weight?: 'Default' | 'Bolder';
      readonly isSubtle?: boolean;
      readonly spacing?: 'None' | 'Small' | 'Medium' | 'Large';
      readonly separator?: boolean;
    }
  | { readonly type: 'ActionSet'; readonly actions: readonly CardAction[]; readonly spacing?: 'Small' | 'Medium' }
  | { readonly type: 'FactSet'; readonly facts: ReadonlyArray<{ readonly title: string; readonly value: string }> }
  | { readonly type: 'Container'; readonly items: readonly CardElement[]; readonly separator?: boolean; readonly spacing?: 'Medium'; readonly style?: 'emphasis' | 'good' | 'attention' | 'warning' }
  | {
      readonly type: 'Input.ChoiceSet';
      readonly id: string;
      readonly label: string;
      readonly style: 'expanded' | 'compact';
      readonly isRequired?: boolean;
      readonly errorMessage?: string;
      readonly choices: ReadonlyArray<{ readonly title: string; readonly value: string }>;
    }
  | { readonly type: 'Input.Text'; readonly id: string; readonly label: string; readonly placeholder?: string; readonly maxLength?: number; readonly isMultiline?: boolean };

export type CardAction =
  | { readonly type: 'Action.Submit'; readonly title: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'Action.Execute'; readonly title: string; readonly verb: string; readonly data: Readonly<Record<string, unknown>> }
  | { readonly type: 'Action.OpenUrl'; readonly title: string; readonly url: string };

export interface AdaptiveCard {
  readonly type: 'AdaptiveCard';
  readonly $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  readonly version: '1.5';
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardAction[];
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export function card(body: readonly CardElement[], actions?: readonly CardAction[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions !== undefined && actions.length > 0 ? { actions } : {}),
  };
}

export function heading(text: string): CardElement {
  return { type: 'TextBlock', text, wrap: true, size: 'Medium', weight: 'Bolder' };
}

export function text(value: string, options: { subtle?: boolean; separator?: boolean } = {}): CardElement {
  return {
    type: 'TextBlock',
    text: value,
    wrap: true,
    ...(options.subtle === true ? { isSubtle: true, size: 'Small' as const } : {}),
    ...(options.separator === true ? { separator: true, spacing: 'Medium' as const } : {}),
  };
}

/**
 * A button that sends text as if the user typed it (Teams "imBack"): works in every client and
 * leaves a visible trace of what was asked.
 */
export function askButton(title: string, utterance: string): CardAction {
  return { type: 'Action.Submit', title, data: { msteams: { type: 'imBack', value: utterance } } };
}

export function executeButton(title: string, verb: string, data: Readonly<Record<string, unknown>>): CardAction {
  return { type: 'Action.Execute', title, verb, data };
}

export function linkButton(title: string, url: string): CardAction {
  return { type: 'Action.OpenUrl', title, url };
}

export function actionSet(actions: readonly CardAction[]): CardElement {
  return { type: 'ActionSet', actions };
}

export function facts(rows: ReadonlyArray<readonly [string, string]>): CardElement {
  return { type: 'FactSet', facts: rows.map(([title, value]) => ({ title, value })) };
}

export function container(items: readonly CardElement[], style?: 'emphasis' | 'good' | 'attention' | 'warning'): CardElement {
  return { type: 'Container', items, separator: true, spacing: 'Medium', ...(style === undefined ? {} : { style }) };
}
