import type { Me } from './decode.ts';
import { el, ui } from './dom.ts';

export function renderPicker(me: Me, current: string | null): void {
  ui.locationSelect.replaceChildren(
    ...me.locations.map((l) => el('option', { text: `${l.name} (${l.mpnId})`, attrs: { value: l.mpnId } })),
  );
  ui.locationField.hidden = me.locations.length < 2 && !(me.operations && me.locations.length > 0);
  ui.mpnForm.hidden = !me.operations;
  ui.picker.hidden = ui.locationField.hidden && ui.mpnForm.hidden;
  selectInPicker(current);
}

export function selectInPicker(mpnId: string | null): void {
  const index = Array.from(ui.locationSelect.options).findIndex((o) => o.value === mpnId);
  ui.locationSelect.selectedIndex = index;
  if (!ui.mpnForm.hidden && mpnId !== null && index < 0) ui.mpnInput.value = mpnId;
}
