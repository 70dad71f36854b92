import { messageOf } from './api.ts';

function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page is missing #${id}.`);
  return element;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className !== undefined) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

export const ui = {
  title: byId('title', HTMLHeadingElement),
  subtitle: byId('subtitle', HTMLParagraphElement),
  picker: byId('picker', HTMLDivElement),
  locationField: byId('location-field', HTMLDivElement),
  locationSelect: byId('location-select', HTMLSelectElement),
  mpnForm: byId('mpn-form', HTMLFormElement),
  mpnInput: byId('mpn-input', HTMLInputElement),
  error: byId('error', HTMLDivElement),
  status: byId('status', HTMLDivElement),
  loading: byId('loading', HTMLParagraphElement),
  outside: byId('outside', HTMLElement),
  devSignin: byId('dev-signin', HTMLDivElement),
  devUsers: byId('dev-users', HTMLUListElement),
  noLocation: byId('no-location', HTMLParagraphElement),
  dashboard: byId('dashboard', HTMLDivElement),
  pendingCount: byId('pending-count', HTMLSpanElement),
  pendingEmpty: byId('pending-empty', HTMLParagraphElement),
  pendingList: byId('pending-list', HTMLUListElement),
  currentRate: byId('current-rate', HTMLParagraphElement),
  rateDetail: byId('rate-detail', HTMLParagraphElement),
  rateChart: byId('rate-chart', HTMLCanvasElement),
  rateTarget: byId('rate-target', HTMLSpanElement),
  rateRows: byId('rate-rows', HTMLTableSectionElement),
  pauseState: byId('pause-state', HTMLParagraphElement),
  pauseDetail: byId('pause-detail', HTMLParagraphElement),
  pauseForm: byId('pause-form', HTMLFormElement),
  pauseUntil: byId('pause-until', HTMLInputElement),
  pauseButton: byId('pause-button', HTMLButtonElement),
  resumeButton: byId('resume-button', HTMLButtonElement),
  pauseReadonly: byId('pause-readonly', HTMLParagraphElement),
  notesEmpty: byId('notes-empty', HTMLParagraphElement),
  notes: byId('notes', HTMLOListElement),
  footer: byId('footer', HTMLElement),
};

export function showError(err: unknown): void {
  ui.error.textContent = messageOf(err);
  ui.error.hidden = false;
}

export function clearError(): void {
  ui.error.textContent = '';
  ui.error.hidden = true;
}

export function announce(text: string): void {
  ui.status.textContent = text;
}

/** Runs a user action with its controls disabled; any failure is shown, never swallowed. */
export async function act(controls: readonly (HTMLButtonElement | HTMLInputElement | HTMLSelectElement)[], action: () => Promise<void>): Promise<void> {
  for (const c of controls) c.disabled = true;
  clearError();
  announce('');
  try {
    await action();
  } catch (err) {
    showError(err);
  } finally {
    for (const c of controls) if (c.isConnected) c.disabled = false;
  }
}
