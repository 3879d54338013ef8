/**
 * Log setup: pino, one JSON object per line on stderr (stdout belongs to the CLI's output), with a
 * base field naming the app. Components log summaries and state changes, never per record.
 */
import { pino, type LevelWithSilent, type Logger } from 'pino';

export function createLogger(level: LevelWithSilent): Logger {
  return pino({ level, base: { app: 'driftmon' } }, pino.destination(2));
}
