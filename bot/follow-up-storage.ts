import type { Storage } from 'botbuilder';
import { z } from 'zod';
import type { FollowUp, FollowUps } from '../dialogs/follow-up.ts';

const followUpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('decline-reason'), referralId: z.string(), assignmentId: z.string(), askedAt: z.string() }),
  z.object({ kind: z.literal('pause-period'), mpnId: z.string(), askedAt: z.string() }),
]);

/**
 * Open questions per conversation and user, in botbuilder `Storage` (the lowdb-backed one in the
 * app), so a question asked before a restart can still be answered after it. What is read back is
 * validated: stored state is input like any other.
 */
export class StorageFollowUps implements FollowUps {
  constructor(private readonly storage: Storage) {}

  private key(conversationId: string, userId: string): string {
    return `followup/${conversationId}/${userId}`;
  }

  async get(conversationId: string, userId: string): Promise<FollowUp | undefined> {
    const key = this.key(conversationId, userId);
    const item = (await this.storage.read([key]))[key] as { followUp?: unknown } | undefined;
    const parsed = followUpSchema.safeParse(item?.followUp);
    return parsed.success ? parsed.data : undefined;
  }

  async set(conversationId: string, userId: string, followUp: FollowUp | undefined): Promise<void> {
    const key = this.key(conversationId, userId);
    if (followUp === undefined) await this.storage.delete([key]);
    else await this.storage.write({ [key]: { followUp, eTag: '*' } });
  }
}
