/** The Teams-shaped personal-chat message both bots receive; ids are the driver's to choose. */
export interface MessageSpec {
  readonly serviceUrl: string;
  readonly conversationId: string;
  readonly userId: string;
  readonly activityId: string;
  readonly text: string;
}

export const BENCH_TENANT = '00000000-0000-4000-8000-000000000b0b';

export function messageActivity(m: MessageSpec): Record<string, unknown> {
  return {
    type: 'message',
    id: m.activityId,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: m.serviceUrl,
    from: { id: m.userId, aadObjectId: m.userId, name: 'Bench User' },
    recipient: { id: '28:bench-bot', name: 'FastTrack Referrals' },
    conversation: { id: m.conversationId, conversationType: 'personal', tenantId: BENCH_TENANT },
    channelData: { tenant: { id: BENCH_TENANT } },
    text: m.text,
    textFormat: 'plain',
    locale: 'en-US',
  };
}
