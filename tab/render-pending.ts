import { callApi } from './api.ts';
// dashboard.ts renders this list and this list reloads the dashboard: the two import each other,
// which is safe because only functions, called after both modules have loaded, cross the cycle.
import { loadLocation } from './dashboard.ts';
import { decodeDecline, type Dashboard, type PendingPart } from './decode.ts';
import { act, announce, el, showError, ui } from './dom.ts';
import { format } from './format.ts';
import { state } from './state.ts';

const DECLINE_REASONS = [
  ['no-capacity', 'No capacity'],
  ['cannot-support-workload', 'Location cannot support the workload'],
  ['customer-unreachable', 'Customer not reachable'],
  ['other', 'Other'],
] as const;
type DeclineReason = (typeof DECLINE_REASONS)[number][0];

export function renderPending(d: Dashboard): void {
  ui.pendingCount.textContent = String(d.pending.length);
  ui.pendingCount.setAttribute('aria-label', `${d.pending.length} pending`);
  ui.pendingEmpty.hidden = d.pending.length > 0;
  const canAnswer = d.role !== 'operations';
  ui.pendingList.replaceChildren(...d.pending.map((p) => pendingItem(d.location.mpnId, p, canAnswer)));
}

function pendingItem(mpnId: string, p: PendingPart, canAnswer: boolean): HTMLLIElement {
  const headingId = `pending-${p.assignmentId}`;
  const seats = `${format.count(p.seats)} seats`;
  const item = el(
    'li',
    { className: 'item', attrs: { 'data-testid': 'pending-item', 'data-referral-id': p.referralId, 'data-assignment-id': p.assignmentId, 'aria-labelledby': headingId } },
    el('h3', { attrs: { id: headingId } }, `${p.customerName} `, el('span', { className: 'tag', text: p.type })),
    el('p', { className: 'meta', text: `${p.referralId} · ${p.workloads.join(', ')} · ${seats} · offered ${format.instant(p.offeredAt)}` }),
  );
  if (!canAnswer) return item;

  const accept = el('button', { className: 'primary', text: 'Accept', attrs: { type: 'button', 'aria-label': `Accept ${p.referralId} (${p.customerName})` } });
  const decline = el('button', { text: 'Decline', attrs: { type: 'button', 'aria-label': `Decline ${p.referralId} (${p.customerName})`, 'aria-expanded': 'false' } });
  const form = declineForm(p);
  decline.setAttribute('aria-controls', form.element.id);
  item.append(el('div', { className: 'actions' }, accept, decline), form.element);

  accept.addEventListener('click', () => {
    void act([accept, decline], async () => {
      await callApi(`/api/tab/referrals/${encodeURIComponent(p.referralId)}/parts/${encodeURIComponent(p.assignmentId)}/accept`, state.credentials, { method: 'POST' });
      await loadLocation(mpnId);
      announce(`Accepted ${p.referralId} for ${p.customerName}.`);
    });
  });
  decline.addEventListener('click', () => {
    form.element.hidden = !form.element.hidden;
    decline.setAttribute('aria-expanded', String(!form.element.hidden));
    if (!form.element.hidden) form.reason.focus();
  });
  form.cancel.addEventListener('click', () => {
    form.element.hidden = true;
    decline.setAttribute('aria-expanded', 'false');
    decline.focus();
  });
  form.element.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = DECLINE_REASONS.find(([code]) => code === form.reason.value)?.[0];
    if (reason === undefined) {
      showError('Choose a reason to decline.');
      return;
    }
    const text = form.text.value.trim();
    if (reason === 'other' && text === '') {
      showError('Say why you decline when the reason is "Other".');
      form.text.focus();
      return;
    }
    void act([accept, decline, form.submit, form.cancel], async () => {
      const body: { reason: DeclineReason; text?: string } = text === '' ? { reason } : { reason, text };
      const result = decodeDecline(
        await callApi(`/api/tab/referrals/${encodeURIComponent(p.referralId)}/parts/${encodeURIComponent(p.assignmentId)}/decline`, state.credentials, {
          method: 'POST',
          body,
        }),
      );
      await loadLocation(mpnId);
      const next = [
        result.reassignedTo.length > 0 ? `reassigned to ${result.reassignedTo.join(', ')}` : '',
        result.ftc.length > 0 ? `passed to the FastTrack Center: ${result.ftc.join(', ')}` : '',
      ].filter((s) => s !== '');
      announce(`Declined ${p.referralId} for ${p.customerName}${next.length > 0 ? `; ${next.join('; ')}` : ''}.`);
    });
  });
  return item;
}

function declineForm(p: PendingPart): {
  element: HTMLFormElement;
  reason: HTMLSelectElement;
  text: HTMLInputElement;
  submit: HTMLButtonElement;
  cancel: HTMLButtonElement;
} {
  const id = `decline-${p.assignmentId}`;
  const reason = el(
    'select',
    { attrs: { id: `${id}-reason`, name: 'reason', required: '' } },
    el('option', { text: 'Choose a reason…', attrs: { value: '' } }),
    ...DECLINE_REASONS.map(([code, label]) => el('option', { text: label, attrs: { value: code } })),
  );
  const text = el('input', { attrs: { id: `${id}-text`, name: 'text', type: 'text', maxlength: '500', autocomplete: 'off' } });
  const submit = el('button', { className: 'danger', text: 'Decline referral', attrs: { type: 'submit' } });
  const cancel = el('button', { text: 'Cancel', attrs: { type: 'button' } });
  const element = el(
    'form',
    { className: 'decline-form', attrs: { id, 'aria-label': `Decline ${p.referralId}` } },
    el('div', { className: 'field' }, el('label', { text: 'Reason', attrs: { for: reason.id } }), reason),
    el('div', { className: 'field' }, el('label', { text: 'Details (needed for "Other")', attrs: { for: text.id } }), text),
    submit,
    cancel,
  );
  element.hidden = true;
  return { element, reason, text, submit, cancel };
}
