import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  StatusCodes,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { AppConfig } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * botbuilder's settings for inbound channel tokens. By default (empty) botbuilder uses the public
 * cloud's. Naming any one of these switches BotFrameworkAuthenticationFactory to its
 * "parameterized" mode, where every setting not named is undefined (no issuer, no OAuth scope…), so
 * with another OpenID metadata URL (tests) the public cloud's values are all spelled out.
 */
function channelAuthOptions(openIdMetadataUrl: string): ConfigurationBotFrameworkAuthenticationOptions {
  if (openIdMetadataUrl === '') return {};
  return {
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}

/** What jsonwebtoken throws for a token it refuses (unsigned, bad signature, not yet valid…). */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

/**
 * botbuilder lets jsonwebtoken's own errors out of token validation unwrapped, and CloudAdapter
 * answers anything but an AuthenticationError with 500 (and the error's message): an unsigned
 * (`alg: none`), forged or not-yet-valid token got a 500. They are refusals of the caller's token,
 * so they become AuthenticationErrors, which CloudAdapter answers 401 before any handler runs.
 * Other failures (the OpenID metadata cannot be fetched) stay 500s: they are ours, not the caller's.
 */
class ChannelAuthentication extends ConfigurationBotFrameworkAuthentication {
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      if (err instanceof Error && TOKEN_ERRORS.has(err.name)) {
        throw new AuthenticationError(`Unauthorized. ${err.message}`, StatusCodes.UNAUTHORIZED);
      }
      throw err;
    }
  }
}

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
  const adapter = new CloudAdapter(new ChannelAuthentication(channelAuthOptions(config.botOpenIdMetadataUrl), credentials));
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
