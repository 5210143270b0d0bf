/** Ticket numbers are `T-` plus a decimal number: short enough to read out on the phone. */
export const TICKET_ID_PATTERN = /^T-[1-9]\d{0,11}$/;

/** The first number handed out, so that numbers never look like a count of customers. */
export const FIRST_TICKET_NUMBER = 10001;

export function formatTicketId(n: number): string {
  return `T-${n}`;
}

export function isTicketId(value: string): boolean {
  return TICKET_ID_PATTERN.test(value);
}
