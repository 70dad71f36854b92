import type { Activity } from 'botbuilder';

/** Where activities may come from. */
export interface ChannelPolicy {
  /** The Bot Framework Emulator, in local development mode only (inbound authentication off). */
  readonly allowEmulator: boolean;
}

/**
 * Identity is taken from Teams only: Direct Line and Web Chat clients set `from` themselves, and
 * Web Chat is on by default for every Azure Bot resource. The reason an activity is refused, or
 * null when its channel is Teams (or the emulator, where the policy allows it).
 */
export function channelRefusal(activity: Pick<Activity, 'channelId'>, policy: ChannelPolicy): string | null {
  const channel = typeof activity.channelId === 'string' ? activity.channelId : '';
  if (channel === 'msteams') return null;
  if (channel === 'emulator' && policy.allowEmulator) return null;
  return `channel "${channel.slice(0, 40)}" is not Microsoft Teams`;
}
