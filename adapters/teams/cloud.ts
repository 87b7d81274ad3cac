import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from "botbuilder";
import type { TeamsConfig } from "../../src/config.js";

/**
 * botbuilder's CloudAdapter from our config. With an empty app id (outside production only)
 * botbuilder checks no token on what it receives and sends none, which is what the local
 * Agents Playground needs.
 */
export function createCloudAdapter(config: TeamsConfig): CloudAdapter {
  const settings = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appType,
    ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(settings);
  return new CloudAdapter(new ConfigurationBotFrameworkAuthentication(settings, credentials));
}

const RETRY_POLICY = "defaultRetryPolicy";

/**
 * botbuilder's connector client retries 429 and 5xx itself (3 times, sleeping for Retry-After)
 * inside one send. For proactive sends the delivery loop must be the one that waits: it knows
 * the tenant's rate window and hands the entry back instead of holding a lease. So the turn's
 * connector loses that policy (an @azure/core-rest-pipeline policy, reached through a field
 * botbuilder keeps private; tests/integration/teams checks a 429 reaches us after one call).
 * Replies inside a turn keep botbuilder's retries.
 */
export function withoutConnectorRetries(context: TurnContext): boolean {
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as
    | { client?: { pipeline?: { removePolicy(policy: { name: string }): unknown[] } } }
    | undefined;
  return (connector?.client?.pipeline?.removePolicy({ name: RETRY_POLICY }).length ?? 0) > 0;
}
