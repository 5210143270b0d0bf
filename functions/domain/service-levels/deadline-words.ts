import type { Locale } from '../ticket';

const parts = new Map<string, Intl.DateTimeFormat>();

function format(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}:${timeZone}`;
  let f = parts.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
      timeZone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    parts.set(key, f);
  }
  return f;
}

/**
 * A deadline as people say it, in the plan's time zone: "Dienstag, 8. Dezember, 10:00 Uhr"
 * or "Tuesday, 8 December, 10:00".
 */
export function deadlineInWords(
  instant: string,
  locale: Locale,
  timeZone = 'Europe/Berlin',
): string {
  const p: Record<string, string> = {};
  for (const part of format(locale, timeZone).formatToParts(new Date(instant))) {
    p[part.type] = part.value;
  }
  const time = `${p.hour}:${p.minute}`;
  return locale === 'de'
    ? `${p.weekday}, ${p.day}. ${p.month}, ${time} Uhr`
    : `${p.weekday}, ${p.day} ${p.month}, ${time}`;
}
