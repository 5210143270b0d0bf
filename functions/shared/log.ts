import { logLine, type LogLevel } from '../domain/log-fields';

/**
 * Writes one structured line to the function's log (CloudWatch Logs in AWS): only the
 * fields `functions/domain/log-fields.ts` allows, scrubbed of addresses. Every line goes to
 * stdout whatever its level: the level is in the JSON (the alarms' filters match it there),
 * and one stream keeps the lines of one invocation in order for whoever tails the log.
 */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}) {
  console.log(logLine(level, message, fields));
}
