import type { Chart } from 'chart.js';
import type { Credentials } from './api.ts';
import type { Dashboard, Me } from './decode.ts';
import { usableLocale } from './locale.ts';
import type { TeamsInfo } from './teams.ts';

export const state: {
  locale: string;
  credentials: Credentials | null;
  teams: TeamsInfo | null;
  me: Me | null;
  dashboard: Dashboard | null;
  /** Each location load gets a number; an answer that is no longer the latest is dropped. */
  loadSeq: number;
  chart: Chart<'bar', Array<number | null>, string> | null;
} = {
  locale: usableLocale(navigator.language),
  credentials: null,
  teams: null,
  me: null,
  dashboard: null,
  loadSeq: 0,
  chart: null,
};
