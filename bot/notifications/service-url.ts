/**
 * The bot sends its access token to a conversation's service URL, so a service URL is stored only
 * when its host belongs to Teams or the Bot Framework; a forged one would otherwise collect the
 * token. Extra hosts come from SERVICE_URL_HOSTS; localhost only in development (the Playground).
 */
export const KNOWN_CONNECTOR_HOSTS: readonly string[] = [
  'smba.trafficmanager.net',
  '*.botframework.com',
  '*.botframework.azure.us',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface ServiceUrlPolicy {
  readonly extraHosts: readonly string[];
  readonly allowLocal: boolean;
}

function hostMatches(host: string, pattern: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
}

/** Why a service URL is refused, or null when the bot may post to it. */
export function serviceUrlProblem(raw: string, policy: ServiceUrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  const host = url.hostname.toLowerCase();
  if (LOCAL_HOSTS.has(host)) return policy.allowLocal ? null : 'localhost is allowed only in development';
  if (url.protocol !== 'https:') return 'not https';
  if (url.username !== '' || url.password !== '') return 'carries credentials';
  return [...KNOWN_CONNECTOR_HOSTS, ...policy.extraHosts].some((p) => hostMatches(host, p)) ? null : `host ${host} is not a Teams or Bot Framework connector`;
}
