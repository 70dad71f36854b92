import type { Dashboard } from './decode.ts';
import { el, ui } from './dom.ts';
import { format } from './format.ts';

export function renderNotes(d: Dashboard): void {
  ui.notesEmpty.hidden = d.notifications.length > 0;
  ui.notes.replaceChildren(
    ...d.notifications.map((n) =>
      el(
        'li',
        { attrs: { 'data-kind': n.kind, 'data-state': n.state } },
        el('time', { text: format.instant(n.at), attrs: { datetime: n.at } }),
        el('span', { text: n.text }),
        n.state === 'delivered' || n.state === 'sent' ? '' : el('span', { className: 'tag', text: n.state }),
      ),
    ),
  );
}
