import { logLine, type LogLevel } from '../domain/log-fields';

/**
 * Writes one structured line to the function's log (CloudWatch Logs in AWS): only the
 * fields `functions/domain/log-fields.ts` allows, scrubbed of addresses. Every log line of
 * the functions goes through here.
 */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}) {
  const line = logLine(level, message, fields);
  if (level === 'ERROR') console.error(line);
  else if (level === 'WARN') console.warn(line);
  else console.log(line);
}
