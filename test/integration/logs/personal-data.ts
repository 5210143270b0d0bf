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
