import { describe, expect, it } from 'vitest';
import {
  withinTicketQuota,
  storedBytes,
  TICKET_ATTACHMENT_BYTES,
} from '../../../functions/domain/mail/attachment-quota';
import {
  admissionOf,
  ALL_PASS,
  decideReply,
  dkimSigningDomain,
  senderAuthentication,
  type SenderAuthentication,
  type SenderRelation,
  verdictStatus,
} from '../../../functions/domain/mail/sender-trust';

describe('verdictStatus', () => {
  it('reads what SES writes, and anything else as GRAY (never a pass)', () => {
    expect(verdictStatus('PASS')).toBe('PASS');
    expect(verdictStatus('fail')).toBe('FAIL');
    expect(verdictStatus('PROCESSING_FAILED')).toBe('PROCESSING_FAILED');
    expect(verdictStatus('DISABLED')).toBe('DISABLED');
    expect(verdictStatus(undefined)).toBe('GRAY');
    expect(verdictStatus('PASSED')).toBe('GRAY');
    expect(verdictStatus('')).toBe('GRAY');
  });
});

describe('admissionOf: spam and virus verdicts', () => {
  it('refuses FAIL, takes PASS, and is unsure of everything in between', () => {
    expect(admissionOf({ spam: 'PASS', virus: 'PASS' })).toEqual({ admit: 'accept' });
    expect(admissionOf({ spam: 'FAIL', virus: 'PASS' }).admit).toBe('refuse');
    expect(admissionOf({ spam: 'PASS', virus: 'FAIL' }).admit).toBe('refuse');
    // A virus FAIL wins over a spam GRAY.
    expect(admissionOf({ spam: 'GRAY', virus: 'FAIL' }).admit).toBe('refuse');
    for (const unsure of ['GRAY', 'PROCESSING_FAILED', 'DISABLED'] as const) {
      expect(admissionOf({ spam: unsure, virus: 'PASS' })).toMatchObject({
        admit: 'unsure',
        keepAttachments: true,
      });
      // Files whose virus scan did not pass are not kept.
      expect(admissionOf({ spam: 'PASS', virus: unsure })).toMatchObject({
        admit: 'unsure',
        keepAttachments: false,
      });
    }
  });
});

describe('senderAuthentication', () => {
  const from = 'ceo@acme.de';

  it('trusts DMARC PASS alone', () => {
    expect(senderAuthentication({ spf: 'GRAY', dkim: 'GRAY', dmarc: 'PASS' }, from)).toBe(
      'authenticated',
    );
  });

  it('calls any failing check failed, even when DMARC passed', () => {
    for (const failing of [
      { spf: 'FAIL', dkim: 'PASS', dmarc: 'PASS' },
      { spf: 'PASS', dkim: 'FAIL', dmarc: 'PASS' },
      { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' },
      { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' },
    ] as const) {
      expect(senderAuthentication(failing, from)).toBe('failed');
    }
  });

  it('takes SPF and DKIM instead of DMARC only when both are aligned with From', () => {
    const verdicts = { spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY' } as const;
    expect(
      senderAuthentication(verdicts, from, {
        envelopeFrom: 'bounce@mail.acme.de',
        dkimDomain: 'acme.de',
      }),
    ).toBe('authenticated');
    // SPF passed for someone else's domain: nothing proves acme.de.
    expect(
      senderAuthentication(verdicts, from, {
        envelopeFrom: 'bounce@evil.example',
        dkimDomain: 'acme.de',
      }),
    ).toBe('unauthenticated');
    // DKIM signed by another domain.
    expect(
      senderAuthentication(verdicts, from, {
        envelopeFrom: 'bounce@acme.de',
        dkimDomain: 'evil.example',
      }),
    ).toBe('unauthenticated');
    // A bare top-level domain aligns with nothing.
    expect(senderAuthentication(verdicts, 'x@de', { envelopeFrom: 'y@de', dkimDomain: 'de' })).toBe(
      'unauthenticated',
    );
    expect(senderAuthentication(verdicts, from)).toBe('unauthenticated');
  });

  it('leaves GRAY and PROCESSING_FAILED unauthenticated, not failed', () => {
    expect(
      senderAuthentication({ spf: 'GRAY', dkim: 'PROCESSING_FAILED', dmarc: 'GRAY' }, from),
    ).toBe('unauthenticated');
  });
});

describe('dkimSigningDomain', () => {
  it('reads d= of a DKIM-Signature', () => {
    expect(
      dkimSigningDomain('v=1; a=rsa-sha256; c=relaxed/relaxed; d=Mail.ACME.de.; s=sel; h=from'),
    ).toBe('mail.acme.de');
    expect(dkimSigningDomain('v=1;d=acme.de;s=x')).toBe('acme.de');
    expect(dkimSigningDomain(undefined)).toBeUndefined();
    expect(dkimSigningDomain('v=1; s=sel')).toBeUndefined();
  });
});

describe('decideReply: who may write into a ticket', () => {
  const relations: SenderRelation[] = ['requester', 'customer', 'known', 'stranger'];
  const authentications: SenderAuthentication[] = ['authenticated', 'unauthenticated', 'failed'];

  it('appends only for the ticket’s people whose mail did not fail', () => {
    for (const relation of relations) {
      for (const authentication of authentications) {
        const { action } = decideReply(relation, authentication);
        const appends =
          (relation === 'requester' || relation === 'customer') && authentication !== 'failed';
        expect(action === 'append', `${relation}/${authentication}`).toBe(appends);
      }
    }
  });

  it('gives known and authenticated senders a ticket of their own, and keeps unproven strangers and forgeries as notes', () => {
    expect(decideReply('known', 'authenticated').action).toBe('linked-ticket');
    expect(decideReply('known', 'unauthenticated').action).toBe('linked-ticket');
    expect(decideReply('stranger', 'authenticated').action).toBe('linked-ticket');
    expect(decideReply('stranger', 'unauthenticated').action).toBe('unverified-note');
    // A forged From of the requester or a contact must not make a ticket in their name.
    expect(decideReply('requester', 'failed').action).toBe('unverified-note');
    expect(decideReply('customer', 'failed').action).toBe('unverified-note');
    expect(decideReply('known', 'failed').action).toBe('unverified-note');
  });

  it('is what the local stack plays by default: all PASS authenticates', () => {
    expect(senderAuthentication(ALL_PASS, 'a@b.example')).toBe('authenticated');
  });
});

describe('withinTicketQuota', () => {
  const file = (name: string, size: number) => ({
    filename: name,
    contentType: 'application/octet-stream',
    size,
    content: new Uint8Array(0),
  });

  it('keeps files in order while they fit, and names the others', () => {
    const mb = 1024 * 1024;
    const { store, rejected } = withinTicketQuota(
      [file('a', 10 * mb), file('b', 8 * mb), file('c', 2 * mb)],
      14 * mb,
    );
    expect(store.map((f) => f.filename)).toEqual(['a']);
    expect(rejected.map((f) => f.filename)).toEqual(['b', 'c']);
    expect(rejected[0]?.rejected).toContain(String(TICKET_ATTACHMENT_BYTES));
    // A refused file leaves room for a smaller one after it.
    const second = withinTicketQuota([file('b', 10 * mb), file('c', 1 * mb)], 16 * mb);
    expect(second.store.map((f) => f.filename)).toEqual(['c']);
    expect(second.rejected.map((f) => f.filename)).toEqual(['b']);
  });

  it('counts only stored files', () => {
    expect(
      storedBytes([
        { filename: 'a', contentType: 'x/y', size: 5, key: 'k' },
        { filename: 'b', contentType: 'x/y', size: 7, rejected: 'too large' },
      ]),
    ).toBe(5);
  });
});
