/**
 * What counts as personal data in a log line of the integration run: any mail address but
 * our own (`@servicedesk.test`) and the ids SES gives (`@…amazonses.com`), and the names
 * and texts the tests and the harness send in as customers.
 */
const ADDRESS = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const OURS = /@(?:[a-z0-9-]+\.)*(?:servicedesk\.test|amazonses\.com)$/i;
const WORDS = [
  'Mustermann',
  'Seit dem Update läuft die Sicherung',
  'Privatperson',
  'Kontaktmann',
  'Rita Retention',
  'Otto Offen',
];

/** The personal data found in one line, if any. */
export function personalDataIn(line: string): string[] {
  const found = (line.match(ADDRESS) ?? []).filter((address) => !OURS.test(address));
  return [...found, ...WORDS.filter((word) => line.includes(word))];
}

/**
 * Why a log line of the run lacks the correlation id it should carry, if it does: every
 * structured line written inside an invocation (it names the invocation's request id) and
 * every line about a ticket (a `ticketId` field) carries a `correlation_id`, so that one
 * Logs Insights query finds all lines of a ticket or a request (docs/operations.md).
 * Lines of the stand-ins and the harness, which are not JSON records, are no such lines.
 */
export function missingCorrelationIn(line: string): string | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line.slice(start));
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  const fields = record as Record<string, unknown>;
  if (typeof fields.level !== 'string' || typeof fields.message !== 'string') return undefined;
  if (typeof fields.correlation_id === 'string' && fields.correlation_id !== '') return undefined;
  if (fields.function_request_id !== undefined) return 'an invocation without correlation id';
  if (fields.ticketId !== undefined) return 'a ticket without correlation id';
  return undefined;
}
