export { duePauseExpiries, isPauseExpired, pauseReminderDueAt } from './expiry.ts';
export type { PauseExpiry, PausedLocation } from './expiry.ts';
export { planPause, planResume } from './plan.ts';
export type { PausePlan, PauseRequest, ResumePlan, ResumeRequest } from './plan.ts';
export { DEFAULT_PAUSE_SETTINGS, MAX_PAUSE_DAYS, PAUSE_REMINDER_DAYS, PAUSE_RULE } from './state.ts';
export type { LocationPause, PauseSettings, PauseState } from './state.ts';
