/** Every default of the config, in one small module (sources import it without the whole loader). */
import type { LogLevel } from './load.js';

export const DEFAULTS = {
  outputDir: 'driftmon-out',
  httpHost: '127.0.0.1',
  httpPort: 9464,
  graceMs: 0,
  // far beyond clock error between synchronized hosts (milliseconds) and any batching delay, yet
  // small enough that a record dated hours or years ahead is caught, whatever the window size
  maxFutureSkewMs: 3_600_000,
  pollIntervalMs: 1000,
  maxFeatures: 10_000,
  categoryCap: 1000,
  maxLineLength: 16 * 1024 * 1024,
  logLevel: 'info' as LogLevel,
  stateDir: 'driftmon-state',
  checkpointIntervalMs: 5_000,
  partitionIdleMs: 30_000,
  backoff: { lagRecords: 1_000_000, lagSeconds: 600, diskUsage: 1, sampleRatio: 0.25 },
  labelHorizonMs: 8 * 86_400_000,
  reemitIntervalMs: 60_000,
  probabilityThreshold: 0.5,
  s3Region: 'us-east-1',
  shutdownTimeoutMs: 30_000,
} as const;
