import { app } from '@microsoft/teams-js';
import { messageOf } from './api.ts';
import { renderDashboard } from './dashboard.ts';
import { usableLocale } from './locale.ts';
import { renderAcceptance } from './render-acceptance.ts';
import { renderFooter } from './render-footer.ts';
import { state } from './state.ts';

/** How long app.initialize() may take before the page decides it is not inside Teams. */
const TEAMS_TIMEOUT_MS = 3_000;

export interface TeamsInfo {
  readonly theme: string;
  readonly locale: string;
  readonly userPrincipalName: string | undefined;
  readonly tenantId: string | undefined;
}

function themeName(theme: string | undefined): 'default' | 'dark' | 'contrast' {
  return theme === 'dark' || theme === 'contrast' ? theme : 'default';
}

function applyTheme(theme: string | undefined): void {
  const name = themeName(theme);
  if (document.documentElement.dataset['theme'] === name) return;
  document.documentElement.dataset['theme'] = name;
  if (state.dashboard !== null) renderAcceptance(state.dashboard);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Teams' context, or null outside Teams (initialize fails or does not answer in time). */
export async function connectToTeams(): Promise<TeamsInfo | null> {
  try {
    const initialized = await Promise.race([app.initialize().then(() => true), delay(TEAMS_TIMEOUT_MS).then(() => false)]);
    if (!initialized) return null;
    const context = await Promise.race([app.getContext(), delay(TEAMS_TIMEOUT_MS).then(() => null)]);
    if (context === null) return null;
    app.registerOnThemeChangeHandler((theme) => applyTheme(theme));
    return {
      theme: context.app.theme,
      locale: context.app.locale,
      userPrincipalName: context.user?.userPrincipalName,
      tenantId: context.user?.tenant?.id,
    };
  } catch (err) {
    console.info(`Not inside Teams: ${messageOf(err)}`);
    return null;
  }
}

export function useTeams(teams: TeamsInfo): void {
  state.teams = teams;
  state.locale = usableLocale(teams.locale);
  document.documentElement.lang = state.locale;
  applyTheme(teams.theme);
  if (state.dashboard !== null) renderDashboard(state.dashboard);
  renderFooter();
}
