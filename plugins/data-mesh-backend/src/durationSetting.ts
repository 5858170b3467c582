/*
 * One reader for every duration the plugin takes from config
 * (`dataMesh.access.defaultDuration`, `dataMesh.lifecycle.archiveRetention`,
 * …), so they accept the same spellings and fail at startup the same way.
 */
import type { RootConfigService } from '@backstage/backend-plugin-api';
import { parseAccessDuration } from './access/policy';

const DAY_MS = 24 * 3_600_000;

/**
 * `key` in milliseconds: the spec's duration rule (`30d`, `24h`) or ISO 8601
 * (`P30D`), `fallbackMs` when the key is absent; an error naming the key and
 * an example when the value is not a positive duration.
 */
export function readDurationSetting(
  config: RootConfigService,
  key: string,
  fallbackMs: number,
): number {
  const text = config.getOptionalString(key);
  if (text === undefined) return fallbackMs;
  const ms = parseAccessDuration(text);
  if (ms === undefined) {
    const days = Math.max(1, Math.round(fallbackMs / DAY_MS));
    throw new Error(
      `${key}: '${text}' is not a duration (write e.g. ${days}d or P${days}D)`,
    );
  }
  return ms;
}
