import { ui } from './dom.ts';
import { state } from './state.ts';

export function renderFooter(): void {
  const parts: string[] = [];
  if (state.me !== null) parts.push(`Signed in as ${state.me.user.name}`);
  if (state.credentials?.kind === 'dev') parts.push(`development sign-in (as=${state.credentials.as})`);
  else if (state.teams !== null) parts.push('through Microsoft Teams');
  if (state.teams?.tenantId !== undefined && state.me !== null && state.teams.tenantId !== state.me.user.tenantId) {
    parts.push(`Teams tenant ${state.teams.tenantId}, API tenant ${state.me.user.tenantId}`);
  }
  ui.footer.textContent = parts.join(' · ');
}
