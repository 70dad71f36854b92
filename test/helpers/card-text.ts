import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';

/** The parts of an Adaptive Card that bot tests read. */
export interface CardJson {
  body: Array<{ type: string; text?: string; items?: CardJson['body']; actions?: Array<{ type: string; title: string; verb?: string; data?: Record<string, unknown> }>; facts?: Array<{ title: string; value: string }> }>;
  actions?: Array<{ type: string; title: string; data?: Record<string, unknown> }>;
}

function flatten(body: CardJson['body']): CardJson['body'] {
  return body.flatMap((b) => [b, ...flatten(b.items ?? [])]);
}

/** Every text and fact of the card, one per line, containers included. */
export function cardText(c: CardJson): string {
  return flatten(c.body)
    .map((b) => [b.text ?? '', ...(b.facts ?? []).map((f) => `${f.title}: ${f.value}`)].join('\n'))
    .join('\n');
}

/** The card's Action.Execute buttons, wherever they are in the body. */
export function executes(c: CardJson): Array<{ title: string; verb?: string; data?: Record<string, unknown> }> {
  return flatten(c.body).flatMap((b) => (b.actions ?? []).filter((a) => a.type === 'Action.Execute'));
}

/** The activity's card; fails with the text the bot sent instead. */
export function cardOf(a: Partial<Activity>): CardJson {
  const att = a.attachments?.[0];
  assert.ok(att, `expected a card, got: ${a.text ?? '(nothing)'}`);
  return att.content as CardJson;
}
