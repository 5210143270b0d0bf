/**
 * Which mailbox an address really reaches, for counting acknowledgements (SPEC §14):
 * `Bomb+1@Victim.example` and `bomb+2@victim.example` are one mailbox, and at Gmail so are
 * `b.o.m.b@gmail.com` and `bomb@googlemail.com`. Used only to count; mail still goes to
 * the address as given.
 */

/** Domains where dots in the local part do not matter, and the domain they stand for. */
const DOTLESS_DOMAINS: Readonly<Record<string, string>> = {
  'gmail.com': 'gmail.com',
  'googlemail.com': 'gmail.com',
};

/** The normalised mailbox and its domain. */
export interface Mailbox {
  /** `local@domain`, lower case, `+tag` folded (and dots at Gmail). */
  mailbox: string;
  /** The domain, lower case, without a trailing dot. */
  domain: string;
}

/**
 * Normalises an address: lower case, the domain without a trailing dot, the local part
 * without its `+tag` (for every domain: most providers deliver `+tag` to the same mailbox,
 * and counting too few mailboxes only limits acknowledgements sooner), and without dots
 * for gmail.com/googlemail.com, the only widely used provider that ignores them.
 */
export function normalizeMailbox(address: string): Mailbox {
  const trimmed = address.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  let local = at < 0 ? trimmed : trimmed.slice(0, at);
  let domain = at < 0 ? '' : trimmed.slice(at + 1).replace(/\.+$/, '');
  const plus = local.indexOf('+');
  // A local part that is only a tag (`+x@…`) keeps it: there is nothing else to count.
  if (plus > 0) local = local.slice(0, plus);
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless) {
    domain = dotless;
    local = local.replace(/\./g, '') || local;
  }
  return { mailbox: `${local}@${domain}`, domain };
}
