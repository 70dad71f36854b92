import type { ConversationRef } from '../domain/notifications/types.ts';
import type { ProgramReadModel } from '../domain/referrals/repository.ts';
import type { ChannelPolicy } from './channel-guard.ts';
import type { CommandServices } from './commands/command.ts';
import type { Logger } from './logger.ts';
import type { StoredRef } from './notifications/conversation-refs.ts';
import type { ServiceUrlPolicy } from './notifications/service-url.ts';

/** Remembers greeted conversations so the twin install events greet once. */
export interface Greetings {
  markGreeted(conversationId: string, at: string): Promise<boolean>;
  forget(conversationId: string): Promise<void>;
}

/** Where the bot may post: conversation references kept from the activities. */
export interface ConversationBook {
  conversation(id: string): ConversationRef | undefined;
  remember(ref: StoredRef): Promise<void>;
  forget(conversationId: string, reason: string, teamId: string | null): Promise<void>;
}

/** Everything the activity handler's routes use, wired once by the composition root. */
export interface BotServices {
  readonly commands: CommandServices;
  readonly read: () => ProgramReadModel;
  readonly greetings: Greetings;
  readonly conversations: ConversationBook;
  readonly serviceUrls: ServiceUrlPolicy;
  readonly channels: ChannelPolicy;
  /** Counts activities refused for their channel (see channelRefusal). */
  readonly refusals: { channel: number };
  readonly logger: Logger;
  readonly now: () => Date;
}
