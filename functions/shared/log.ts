import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { allowedFields, scrubAddresses, type LogLevel } from '../domain/log-fields';
import { METRICS_SERVICE } from '../domain/metric-names';

/** Longest correlation id kept: ids are short, a path parameter may be anything. */
const MAX_CORRELATION_ID = 100;

/**
 * Powertools' log record, cut down to what SPEC §14 allows: Powertools' own keys (time,
 * level, function, request, trace, sampling, correlation id) and then only the fields of
 * `functions/domain/log-fields.ts`, scrubbed of addresses. Every line goes through here,
 * whoever wrote it — `log()`, Powertools itself (`logEvent`, its warnings) or a direct
 * `logger.info(…, {email})` — so no code path can print a field the allow-list lacks. An
 * Error given as an argument becomes its class name, message and stack, scrubbed.
 */
export class AllowListLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const { correlation_id: loggerCorrelationId, error, ...rest } = additional;
    const correlationId = invocation.getStore()?.correlationId ?? loggerCorrelationId;
    const fields: Record<string, unknown> = { ...rest };
    if (error instanceof Error) {
      fields.error = error.name;
      fields.detail ??= error.message;
      fields.stack ??= error.stack;
    } else if (error !== undefined) {
      fields.error = error;
    }
    const { kept, dropped } = allowedFields(fields);
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: scrubAddresses(String(attributes.message ?? '')),
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
        sampling_rate: attributes.sampleRateValue,
        ...(typeof correlationId === 'string'
          ? { correlation_id: scrubAddresses(correlationId.slice(0, MAX_CORRELATION_ID)) }
          : {}),
        ...kept,
        ...(dropped.length ? { dropped } : {}),
      },
    });
  }
}

/**
 * Powertools Logger with one addition for the local stack, which sets `LOG_FORMAT`: each
 * record goes through the global console (where `npm start > file`, the tests and the
 * bench collect it) as one line — compact JSON (`json`, the local default, which the mail
 * corpus runner reads) or a readable line (`text`: time, level, function, message,
 * `key=value`). In Lambda (`LOG_FORMAT` unset) Powertools writes its JSON straight to
 * stdout, without the runtime's line prefix.
 */
class ServiceDeskLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    const format = process.env.LOG_FORMAT;
    if (format !== 'text' && format !== 'json') {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    const attributes = log.getAttributes();
    // Every level to stdout, as in Lambda: the level is in the line, and one stream keeps
    // the lines of one invocation in order for whoever reads the file.
    console.log(format === 'text' ? readableLine(attributes) : JSON.stringify(attributes));
  }
}

const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_name',
  'function_request_id',
  'xray_trace_id',
  'sampling_rate',
]);

/** `12:00:01.123 INFO  submit-ticket  ticket received  ticketId=T-10001 group=standard` */
export function readableLine(attributes: LogAttributes): string {
  const time = typeof attributes.timestamp === 'string' ? attributes.timestamp.slice(11, 23) : '';
  const level = String(attributes.level ?? '').padEnd(5);
  const fn = typeof attributes.function_name === 'string' ? attributes.function_name : '';
  const fields = Object.entries(attributes)
    .filter(([key]) => !STANDARD_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [time, level, fn.replace(/^local-/, ''), String(attributes.message), ...fields]
    .filter((part) => part !== '')
    .join('  ');
}

/**
 * The function's logger (Powertools): JSON lines to CloudWatch Logs in AWS, readable lines
 * locally. `POWERTOOLS_LOG_LEVEL` sets the level (INFO), `POWERTOOLS_LOGGER_SAMPLE_RATE`
 * the share of invocations that log at DEBUG too (the stack sets 0.01). The middy stacks
 * (`http-handler.ts`, `queue-handler.ts`, `job-handler.ts`) add the Lambda context and a
 * correlation id to each line of an invocation.
 */
export const logger: Logger = new ServiceDeskLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? METRICS_SERVICE,
  logFormatter: new AllowListLogFormatter(),
});

/**
 * The correlation id of the invocation a line is written in. Powertools keeps one for the
 * process, which is right in Lambda (one invocation at a time); locally the API handlers
 * share a process and the mailer runs several batches at once, and one invocation's end
 * (`resetKeys`) cleared the id of another still running. Each invocation therefore keeps
 * its own here ({@link inInvocation}), which the formatter prefers.
 */
const invocation = new AsyncLocalStorage<{ correlationId?: string }>();

/**
 * Runs one invocation of a handler with a correlation id of its own (the middy stacks of
 * `http-handler.ts`, `queue-handler.ts` and `job-handler.ts` wrap each call in it).
 */
export function inInvocation<T>(run: () => T): T {
  return invocation.run({}, run);
}

/**
 * Sets the correlation id of the invocation's log lines from here on: the ticket id when
 * one is known, else the request or message id.
 */
export function correlate(id: string | undefined): void {
  if (!id) return;
  const store = invocation.getStore();
  if (store) store.correlationId = id;
  logger.setCorrelationId(id);
}

/**
 * Writes one structured line to the function's log: only the fields
 * `functions/domain/log-fields.ts` allows, scrubbed of addresses (the formatter above
 * enforces it for every line). The level is in the record, which the alarms and Logs
 * Insights queries read.
 */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}) {
  switch (level) {
    case 'DEBUG':
      logger.debug(message, fields);
      break;
    case 'INFO':
      logger.info(message, fields);
      break;
    case 'WARN':
      logger.warn(message, fields);
      break;
    case 'ERROR':
      logger.error(message, fields);
      break;
  }
}
