import type { CustomerRepository, PortalTickets } from './ports';

/** A portal session as stored (under the hash of its token). */
export interface PortalSessionRecord {
  /** The signed-in address, lower case. */
  email: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
}

/** One-time sign-in codes, stored only as hashes. */
export interface PortalSignIns {
  /** Stores the hash of a new code for the address, valid until `validUntil`. */
  saveCode(codeHash: string, email: string, validUntil: Date): Promise<void>;
  /**
   * Uses the code up: resolves its address once, if it exists and has not expired; every
   * later (or concurrent) redemption of the same code resolves undefined.
   */
  redeemCode(codeHash: string): Promise<string | undefined>;
}

/** Portal sessions, stored only as hashes of their tokens. */
export interface PortalSessions {
  createSession(tokenHash: string, record: PortalSessionRecord): Promise<void>;
  /** The session, unless it is unknown, ended or expired. */
  findSession(tokenHash: string): Promise<PortalSessionRecord | undefined>;
  endSession(tokenHash: string): Promise<void>;
}

/** What the mailer needs to answer a sign-in request. */
export interface PortalMailDeps {
  customers: Pick<CustomerRepository, 'findBySender'>;
  portalTickets: PortalTickets;
  signIns: PortalSignIns;
}
