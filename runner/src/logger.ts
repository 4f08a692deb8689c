import { pino, type Logger } from 'pino';
import { redact } from './redact.js';

/**
 * JSON-lines logger. Every line passes through the secret mask on its way out, so a password that reaches a
 * message or an error by any path still never lands in the log.
 */
export function createLogger(
  level: string,
  secrets: readonly string[],
  destination: NodeJS.WritableStream = process.stdout
): Logger {
  const masked = {
    write(line: string) {
      destination.write(redact(line, secrets));
    },
  };
  return pino({ level, base: { name: 'rally-monitor' }, timestamp: pino.stdTimeFunctions.isoTime }, masked);
}
