import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { AppConfig } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * The real botbuilder CloudAdapter. With no app id, botbuilder skips inbound token validation,
 * which is what the local Playground needs; the config module forbids that in production.
 */
export function createAdapter(config: AppConfig, logger: Logger): CloudAdapter {
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}, credentials));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error('turn failed', {
      error: error.message,
      stack: error.stack,
      activityType: context.activity.type,
      conversationId: context.activity.conversation?.id,
    });
    try {
      await context.sendActivity('Sorry, something went wrong on my side. Please try again in a moment.');
    } catch (sendError) {
      logger.error('could not send the apology', { error: String(sendError) });
    }
  };
  return adapter;
}
