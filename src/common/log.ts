import pino from 'pino';
import type { LogLevel } from '../config';

/**
 * pino: one JSON line per event, on stderr unless told otherwise, so logs stay machine-readable on a closed network.
 * Call it pino's way, fields first: `logger.info({ organizations: 12 }, 'demo seed loaded')`.
 */
export type Logger = pino.Logger;

/** `destination`: any `{ write(line) }` (tests capture lines with it); stderr by default, written synchronously. */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination({ fd: 2, sync: true })): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** What every log line of one request carries. `principal` is bound once access control identifies the caller. */
export interface RequestLogFields {
  requestId: string;
  principal?: string;
}

/** The child logger of one request: every line it writes names the request (and, later, who made it). */
export function requestLogger(base: Logger, fields: RequestLogFields): Logger {
  return base.child(fields.principal === undefined ? { requestId: fields.requestId } : { ...fields });
}

/** Writes nothing (tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
