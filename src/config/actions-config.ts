/**
 * `actions`: what driftmon does beyond reports and gauges when a window has violations. Today a
 * webhook: one POST per window report with violations (data quality, model quality, bias, feature
 * attribution), retried with capped backoff; its headers' values come from environment variables,
 * so tokens stay out of config files. Every problem is listed with the config's others.
 */
import { parseDurationMs } from './duration.js';
import type { ConfigInput } from './schema.js';

export interface WebhookSettings {
  url: string;
  timeoutMs: number;
  retries: number;
  headers: Record<string, string>;
}

export interface ActionsSettings {
  webhook: WebhookSettings | undefined;
}

export const ACTIONS_DEFAULTS = { webhookTimeoutMs: 10_000, webhookRetries: 5 } as const;

export function resolveActions(input: ConfigInput['actions'], env: Record<string, string | undefined>, problems: string[]): ActionsSettings | undefined {
  const w = input?.webhook;
  if (w === undefined || typeof w !== 'object' || w === null) return undefined; // absent, or its schema problem is listed
  let url = '';
  if (typeof w.url === 'string') {
    const parsed = URL.canParse(w.url) ? new URL(w.url) : undefined;
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) problems.push(`/actions/webhook/url: "${w.url}" is not an http(s) URL`);
    else url = parsed.href;
  }
  let timeoutMs: number = ACTIONS_DEFAULTS.webhookTimeoutMs;
  if (typeof w.timeout === 'string') {
    const ms = parseDurationMs(w.timeout);
    if (ms === undefined || ms <= 0) problems.push(`/actions/webhook/timeout: "${w.timeout}" is not a positive duration`);
    else timeoutMs = ms;
  }
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, envName] of Object.entries(w.headerEnvs ?? {})) {
    const value = env[envName];
    if (value === undefined || value === '') problems.push(`/actions/webhook/headerEnvs/${name}: environment variable ${envName} is not set`);
    else headers[name] = value;
  }
  return { webhook: { url, timeoutMs, retries: typeof w.retries === 'number' ? w.retries : ACTIONS_DEFAULTS.webhookRetries, headers } };
}
