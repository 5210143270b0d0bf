import { berlinDay } from './calendar';
import type { Group } from './ticket';

/** A service & maintenance contract. Days are Europe/Berlin calendar days, both inclusive. */
export interface Contract {
  id: string;
  validFrom: string;
  /** Last day of the contract; absent for a contract without an end date. */
  validTo?: string;
  includedMinutesPerMonth: number;
  coveredServiceCodes: string[];
  /** The service-level plan (SPEC §9); without it the shipped default plan applies. */
  serviceLevel?: string;
  /** Net fee per month in integer cents (EUR), for sales' reports (SPEC §12). */
  monthlyFeeCents?: number;
}

export interface Contact {
  email: string;
  name?: string;
  phone?: string;
  /**
   * The customer portal shows this contact only the tickets they sent themselves, not their
   * organisation's. @default false
   */
  ownTicketsOnly?: boolean;
}

/** A customer of the vendor, as admins and sales maintain it. */
export interface Customer {
  customerId: string;
  name: string;
  /** Mail domains whose senders belong to this customer (lower case). */
  domains: string[];
  contacts: Contact[];
  contract?: Contract;
  updatedAt?: string;
}

/** Whether the contract covers the given Europe/Berlin day. */
export function isContractActiveOn(contract: Contract | undefined, day: string): boolean {
  if (!contract) return false;
  return contract.validFrom <= day && (contract.validTo === undefined || day <= contract.validTo);
}

/** The group a ticket from this customer gets at the given instant (SPEC §2, §3). */
export function groupAt(customer: Customer | undefined, instant: string): Group {
  return customer && isContractActiveOn(customer.contract, berlinDay(instant))
    ? 'contract'
    : 'standard';
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A phone number as one string of digits with its country code: `+49 (30) 123-45` and
 * `0049 30 12345` are both `+493012345`. Numbers without a country code stay as dialled
 * digits. Undefined for something that is no number.
 */
export function normalizePhone(phone: string): string | undefined {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  if (digits.length < 3 || digits.length > 20) return undefined;
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits;
}

export function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
}

/**
 * The mail domains a sender may be matched by, most specific first: `a@eu.acme.de` is
 * matched by a customer domain `eu.acme.de`, else `acme.de` (never by a bare TLD). For
 * absurdly deep domains the sender's own domain and the most general parents are kept.
 */
export function candidateDomains(email: string, maxCandidates = 8): string[] {
  const at = email.lastIndexOf('@');
  if (at < 0) return [];
  const labels = normalizeDomain(email.slice(at + 1))
    .split('.')
    .filter(Boolean);
  const domains: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) domains.push(labels.slice(i).join('.'));
  if (domains.length <= maxCandidates) return domains;
  return [domains[0] as string, ...domains.slice(-(maxCandidates - 1))];
}

/**
 * The days on which the group of this customer's tickets can change: the first day of
 * the contract and the day after its end.
 */
export function contractBoundaries(contract: Contract | undefined): string[] {
  if (!contract) return [];
  const days = [contract.validFrom];
  if (contract.validTo) days.push(nextDay(contract.validTo));
  return days;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
