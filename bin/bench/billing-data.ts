/** Deterministic billing data of the bench: customers, work entries, months. */
import { chargeFor } from '../../functions/domain/billing';
import type { Customer } from '../../functions/domain/customer';
import { DEFAULT_PRICE_LIST } from '../../functions/domain/default-price-list';
import type { ServiceCode } from '../../functions/domain/price-list';
import { formatTicketId } from '../../functions/domain/ticket-number';
import type { WorkEntry } from '../../functions/domain/work-entry';
import { prng } from './stats';

/** Service codes a bench contract covers (the rest of the price list is billed). */
export const COVERED_CODES = ['REMOTE', 'PHONE'];

/** How often each code of the default price list is logged (weights). */
const CODE_WEIGHTS: Record<string, number> = {
  REMOTE: 35,
  PHONE: 20,
  ONSITE: 15,
  TRAVEL: 10,
  ANALYSIS: 10,
  DEV: 7,
  TRAINING: 3,
};

const WORDS = 'Fernwartung Drucker Server neu gestartet Zertifikat erneuert VPN Zugang '
  .concat('eingerichtet Benutzer angelegt Update eingespielt Fehler analysiert Backup geprüft ')
  .concat('Mailkonto Postfach Lizenz Firewall Regel angepasst Rückruf Kunde informiert')
  .split(' ');

/** `YYYY-MM` of the calendar month `back` months before now (UTC). */
export function monthBefore(now: Date, back: number): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))
    .toISOString()
    .slice(0, 7);
}

export function daysIn(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

/**
 * `n` customers `bc-00000`…, one mail domain each, every fifth with a contract covering
 * REMOTE and PHONE. Every 97th name needs RFC 4180 quoting (`;`, `"` and a line break).
 */
export function benchCustomers(n: number, seed: number, includedMinutes: number): Customer[] {
  const random = prng(seed);
  const firms = ['Müller', 'Schmidt', 'Weber', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Wolf'];
  const kinds = ['Maschinenbau', 'Logistik', 'Steuerberatung', 'Bäckerei', 'Autohaus', 'Praxis'];
  return Array.from({ length: n }, (_, i) => {
    const firm = firms[Math.floor(random() * firms.length)] ?? 'Muster';
    const kind = kinds[Math.floor(random() * kinds.length)] ?? 'Handel';
    const name =
      i % 97 === 0
        ? `${firm}; "${kind}" & Söhne KG\nNiederlassung ${i}`
        : `${firm} ${kind} ${i} GmbH`;
    return {
      customerId: `bc-${String(i).padStart(5, '0')}`,
      name,
      domains: [`kunde${i}.bench.example`],
      contacts: [],
      ...(i % 5 === 0
        ? {
            contract: {
              id: `V-${i}`,
              validFrom: '2000-01-01',
              includedMinutesPerMonth: includedMinutes,
              coveredServiceCodes: COVERED_CODES,
            },
          }
        : {}),
    };
  });
}

/** Picks service codes by CODE_WEIGHTS. */
export function servicePicker(random: () => number): () => ServiceCode {
  const services = DEFAULT_PRICE_LIST.services.filter((s) => CODE_WEIGHTS[s.code]);
  const total = services.reduce((sum, s) => sum + (CODE_WEIGHTS[s.code] ?? 0), 0);
  return () => {
    let left = random() * total;
    for (const service of services) {
      left -= CODE_WEIGHTS[service.code] ?? 0;
      if (left < 0) return service;
    }
    return services[0] as ServiceCode;
  };
}

export function description(random: () => number): string {
  const words = Array.from(
    { length: 4 + Math.floor(random() * 30) },
    () => WORDS[Math.floor(random() * WORDS.length)],
  );
  return words.join(' ');
}

export interface EntryOptions {
  date: string;
  customer: Customer | null;
  /** The name the entry recorded for its customer (a customer may be renamed since). */
  recordedName?: string;
  service: ServiceCode;
  minutes: number;
  /** Minutes of the contract's allowance left for it (only for covered codes). */
  allowanceLeft?: number;
}

/**
 * Work entries as `recordWork` would build them (price from the default list, charge by
 * the product's `chargeFor`), with time-ordered ids like the product's.
 */
export function createEntryFactory(seed: number): (options: EntryOptions) => WorkEntry {
  const random = prng(seed);
  let next = Date.UTC(2026, 0, 1);
  return (options) => {
    const { customer, service } = options;
    const contract = customer?.contract;
    const covered = !!contract && contract.coveredServiceCodes.includes(service.code);
    const charge = chargeFor(options.minutes, service, {
      covered,
      allowanceLeft: options.allowanceLeft ?? 0,
    });
    const hex = Math.floor(random() * 2 ** 48)
      .toString(16)
      .padStart(12, '0');
    const agent = `agent-${String(1 + Math.floor(random() * 16)).padStart(2, '0')}`;
    const requester = `anfrage${Math.floor(random() * 5000)}@privat.example`;
    return {
      entryId: `W${(next++).toString(36).padStart(9, '0')}${hex}`,
      ticketId: formatTicketId(700_000_000 + Math.floor(random() * 20_000)),
      agent,
      date: options.date,
      minutes: options.minutes,
      serviceCode: service.code,
      serviceName: service.name,
      unit: service.unit,
      description: description(random),
      ...charge,
      currency: 'EUR',
      priceListVersion: DEFAULT_PRICE_LIST.version,
      customer: customer
        ? { id: customer.customerId, name: options.recordedName ?? customer.name }
        : { id: null, name: requester },
      ...(covered && contract ? { contractId: contract.id } : {}),
      recordedAt: `${options.date}T${String(7 + Math.floor(random() * 11)).padStart(2, '0')}:15:00.000Z`,
    };
  };
}
