import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACKNOWLEDGEMENT_LIMIT,
  automaticMailReason,
  isNoReplyAddress,
  rateWindowStart,
  type MailHeaders,
} from '../../../functions/domain/mail/mail-policy';

/** Headers of a mail a person wrote in an ordinary client. */
const human: MailHeaders = {
  from: 'Anna Berg <anna.berg@acme.de>',
  to: 'support@example.com',
  subject: 'Export fails',
  'message-id': '<abc123@mail.acme.de>',
  'content-type': 'text/plain; charset=utf-8',
  'return-path': '<anna.berg@acme.de>',
  'mime-version': '1.0',
};
const person = 'anna.berg@acme.de';

describe('automaticMailReason', () => {
  it('lets ordinary mail through', () => {
    expect(automaticMailReason(human, person)).toBeUndefined();
    expect(automaticMailReason({}, person)).toBeUndefined();
  });

  it('lets multipart mail with attachments through', () => {
    const headers = { ...human, 'content-type': 'multipart/mixed; boundary="x"' };
    expect(automaticMailReason(headers, person)).toBeUndefined();
  });

  describe('RFC 3834 Auto-Submitted', () => {
    it.each([
      'auto-replied',
      'auto-generated',
      'Auto-Replied',
      ' AUTO-GENERATED ',
      'auto-notified',
    ])('%j is automatic', (value) => {
      const reason = automaticMailReason({ ...human, 'auto-submitted': value }, person);
      expect(reason).toBeDefined();
      expect(reason).toContain(value.trim().toLowerCase());
    });

    it('keeps parameters out of the decision: auto-replied with a comment is automatic', () => {
      const headers = { ...human, 'auto-submitted': 'auto-replied; owner-email="x@acme.de"' };
      expect(automaticMailReason(headers, person)).toBeDefined();
    });

    it.each(['no', 'No', ' NO '])('%j means a person wrote it', (value) => {
      expect(automaticMailReason({ ...human, 'auto-submitted': value }, person)).toBeUndefined();
    });

    it('treats an empty header as absent', () => {
      expect(automaticMailReason({ ...human, 'auto-submitted': '' }, person)).toBeUndefined();
      expect(
        automaticMailReason({ ...human, 'auto-submitted': undefined }, person),
      ).toBeUndefined();
    });
  });

  describe('Precedence', () => {
    it.each(['bulk', 'junk', 'list', 'Bulk', ' LIST ', 'auto_reply'])(
      '%j is automatic',
      (value) => {
        expect(automaticMailReason({ ...human, precedence: value }, person)).toMatch(/^Precedence/);
      },
    );

    it.each(['first-class', 'normal', 'urgent'])('%j is not', (value) => {
      expect(automaticMailReason({ ...human, precedence: value }, person)).toBeUndefined();
    });
  });

  it.each<[string, MailHeaders]>([
    ['List-Id', { 'list-id': 'Announcements <announce.lists.acme.de>' }],
    ['List-Unsubscribe', { 'list-unsubscribe': '<mailto:leave@lists.acme.de>' }],
  ])('%s marks mailing-list mail', (_name, extra) => {
    expect(automaticMailReason({ ...human, ...extra }, person)).toBe('mailing list');
  });

  it.each<[string, MailHeaders]>([
    ['X-Autoreply', { 'x-autoreply': 'yes' }],
    ['X-Autorespond', { 'x-autorespond': 'Out of office' }],
    ['X-Auto-Response-Suppress: All', { 'x-auto-response-suppress': 'All' }],
    ['X-Auto-Response-Suppress: OOF', { 'x-auto-response-suppress': 'DR, OOF, AutoReply' }],
  ])('%s marks an auto-responder', (_name, extra) => {
    expect(automaticMailReason({ ...human, ...extra }, person)).toBe('auto-responder');
  });

  it('does not treat X-Auto-Response-Suppress without all/oof/autoreply as automatic', () => {
    const headers = { ...human, 'x-auto-response-suppress': 'DR, RN, NRN' };
    expect(automaticMailReason(headers, person)).toBeUndefined();
  });

  it.each([
    'multipart/report; report-type=delivery-status; boundary="b"',
    'Multipart/Report; report-type=disposition-notification',
  ])('a %s content type is a delivery report', (contentType) => {
    expect(automaticMailReason({ ...human, 'content-type': contentType }, person)).toBe(
      'delivery status notification',
    );
  });

  it.each(['<>', ' <> '])('an empty Return-Path %j is a bounce', (returnPath) => {
    expect(automaticMailReason({ ...human, 'return-path': returnPath }, person)).toBe(
      'bounce (empty return path)',
    );
  });

  it.each([
    'mailer-daemon@mx.acme.de',
    'MAILER-DAEMON@googlemail.com',
    'Mailer-Daemon@acme.de',
    'postmaster@acme.de',
    'POSTMASTER@ACME.DE',
    'mail-daemon@acme.de',
    'bounce@acme.de',
    'bounces+123-abc@lists.acme.de',
    'listserv@lists.acme.de',
    'majordomo@lists.acme.de',
    '  postmaster@acme.de  ',
  ])('%s is a machine sender', (from) => {
    expect(automaticMailReason(human, from)).toMatch(/^machine sender/);
  });

  it.each([
    'postmasterson@acme.de',
    'daemon@acme.de',
    'anna.mailer-daemon@acme.de',
    'bouncer@acme.de',
  ])('%s is a person', (from) => {
    expect(automaticMailReason(human, from)).toBeUndefined();
  });
});

describe('automaticMailReason: machine mail without RFC 3834 markers', () => {
  it.each<[string, MailHeaders]>([
    ['X-Apple-Action: VACATION (iCloud)', { 'x-apple-action': 'VACATION' }],
    ['X-Autogenerated: Reply (GroupWise)', { 'x-autogenerated': 'Reply' }],
    ['X-FC-MachineGenerated: true (FirstClass)', { 'x-fc-machinegenerated': 'true' }],
    ['X-Mail-Autoreply', { 'x-mail-autoreply': 'yes' }],
    ['X-Autoreply-From', { 'x-autoreply-from': 'anna@acme.de' }],
    ['X-Autoresponder', { 'x-autoresponder': 'on' }],
  ])('%s marks an auto-responder', (_name, extra) => {
    expect(automaticMailReason({ ...human, ...extra }, person)).toBe('auto-responder');
  });

  it.each(['X-Apple-Action: FORWARD', 'X-Autogenerated: Forward'])(
    '%s is not a vacation notice',
    (line) => {
      const [name = '', value = ''] = line.toLowerCase().split(': ');
      expect(automaticMailReason({ ...human, [name]: value }, person)).toBeUndefined();
    },
  );

  it.each(['x-mlserver', 'x-ml-name', 'x-mailman-version', 'x-ecartis-version'])(
    '%s: mail a list server sent (fml loop alerts, Mailman notices)',
    (name) => {
      expect(
        automaticMailReason({ ...human, [name]: 'fml [fml 4.0.3]' }, 'neko-admin@acme.de'),
      ).toBe(`list server (${name})`);
    },
  );

  it('X-Loop: mail that went round once already', () => {
    expect(automaticMailReason({ ...human, 'x-loop': 'support@acme.de' }, person)).toBe(
      'mail loop (X-Loop)',
    );
  });

  it.each(['', '<>', ' <> '])('a null envelope sender %j is a bounce', (envelopeSender) => {
    expect(automaticMailReason(human, person, { envelopeSender })).toBe(
      'bounce (null envelope sender)',
    );
  });

  it('an envelope sender that is an address, or none reported, proves nothing', () => {
    expect(automaticMailReason(human, person, { envelopeSender: person })).toBeUndefined();
    expect(automaticMailReason(human, person, {})).toBeUndefined();
  });

  it('a message/delivery-status part is a delivery report, wherever it sits', () => {
    const partTypes = ['text/plain', 'message/delivery-status', 'message/rfc822'];
    expect(automaticMailReason(human, person, { partTypes })).toBe('delivery status notification');
  });

  it.each([
    'MAILER-DAEMON (Mail Delivery System)',
    'MAILER-DAEMON <>',
    'mailer-daemon',
    '<>',
    '"Mail Delivery" <>',
  ])('a From without address %j is a bounce, not a mail to quarantine', (from) => {
    expect(automaticMailReason({ ...human, from }, undefined)).toBeDefined();
  });

  it('a From without address that names a person is no bounce', () => {
    expect(automaticMailReason({ ...human, from: 'Anna Berg' }, undefined)).toBeUndefined();
  });

  it.each([
    'post_master@vtext.com',
    'post-master@acme.de',
    'owner-kunden@lists.acme.de',
    'kunden-owner@lists.acme.de',
    'kunden-request@lists.acme.de',
    'kunden-bounces@lists.acme.de',
    'kunden-bounces+anna=acme.de@lists.acme.de',
  ])('%s is a machine sender', (from) => {
    expect(automaticMailReason(human, from)).toMatch(/^machine sender/);
  });

  it.each(['owner@acme.de', 'requests@acme.de', 'anna-bounce.berg@acme.de', 'neko-admin@acme.de'])(
    '%s alone is a person',
    (from) => {
      expect(automaticMailReason(human, from)).toBeUndefined();
    },
  );

  it('a no-reply sender returning an original message is a bounce', () => {
    const from = 'no-reply@x0000.dion.example';
    expect(automaticMailReason(human, from, { partTypes: ['message/rfc822'] })).toBe(
      'bounce (returns an original message)',
    );
    expect(automaticMailReason(human, from, { partTypes: ['text/rfc822-headers'] })).toBe(
      'bounce (returns an original message)',
    );
  });

  it('a no-reply sender with an ordinary attachment (an order PDF) is a ticket', () => {
    expect(
      automaticMailReason(human, 'noreply@shop.example', { partTypes: ['application/pdf'] }),
    ).toBeUndefined();
  });

  it('a person forwarding a mail as attachment is a person', () => {
    expect(automaticMailReason(human, person, { partTypes: ['message/rfc822'] })).toBeUndefined();
  });

  describe('auto-reply subjects count only with a header signal', () => {
    it.each([
      'Auto reply: Nyaan',
      'Automatic reply: Drucker',
      'Automatische Antwort: Drucker',
      'Abwesenheitsnotiz: Drucker',
      'Out of Office: Drucker',
      'AutoReply: Drucker',
    ])('%j answering a mail is an auto-reply', (subject) => {
      const headers = { ...human, 'in-reply-to': '<ack.T-1@servicedesk.test>' };
      expect(automaticMailReason(headers, person, { subject })).toMatch(/^auto-reply/);
    });

    it('with an Exchange auto-response marker of any value, or a vacation mailer', () => {
      const subject = 'Automatic reply: Drucker';
      const exchange = { ...human, 'x-auto-response-suppress': 'DR, RN' };
      expect(automaticMailReason(exchange, person, { subject })).toMatch(/^auto-reply/);
      const mailer = { ...human, 'x-mailer': 'Vacation 1.2.7' };
      expect(automaticMailReason(mailer, person, { subject })).toMatch(/^auto-reply/);
    });

    it.each([
      'Auto reply: why does it not work?',
      'Out of office: how do I set it up?',
      'Re: Auto reply: still broken',
    ])('%j in a new mail of a person is a ticket', (subject) => {
      expect(automaticMailReason(human, person, { subject })).toBeUndefined();
    });
  });
});

describe('isNoReplyAddress', () => {
  it.each([
    'noreply@acme.de',
    'no-reply@acme.de',
    'no_reply@acme.de',
    'no.reply@acme.de',
    'NoReply@Acme.de',
    'NO-REPLY@ACME.DE',
    'donotreply@acme.de',
    'do-not-reply@acme.de',
    'do_not_reply@acme.de',
    'DoNotReply@acme.de',
    'noreply+tag@acme.de',
    'no-reply-invoices@acme.de',
    ' noreply@acme.de ',
  ])('%s reads nothing', (address) => {
    expect(isNoReplyAddress(address)).toBe(true);
  });

  it.each([
    'noreen@acme.de',
    'reply@acme.de',
    'replies@acme.de',
    'anna@noreply.acme.de',
    'norbert.reply@acme.de',
    'noreplyteam@acme.de',
    'info@acme.de',
    'do-reply@acme.de',
  ])('%s is a person', (address) => {
    expect(isNoReplyAddress(address)).toBe(false);
  });
});

describe('rateWindowStart', () => {
  const hour = 3600;
  const at = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

  it('is the start of the hour an instant falls in', () => {
    expect(rateWindowStart(new Date('2026-05-04T08:00:00.000Z'), hour)).toBe(
      at('2026-05-04T08:00:00Z'),
    );
    expect(rateWindowStart(new Date('2026-05-04T08:59:59.999Z'), hour)).toBe(
      at('2026-05-04T08:00:00Z'),
    );
    expect(rateWindowStart(new Date('2026-05-04T09:00:00.000Z'), hour)).toBe(
      at('2026-05-04T09:00:00Z'),
    );
  });

  it('puts instants of the same window together and separates the next window', () => {
    const start = rateWindowStart(new Date('2026-05-04T08:10:00Z'), hour);
    expect(rateWindowStart(new Date('2026-05-04T08:50:00Z'), hour)).toBe(start);
    expect(rateWindowStart(new Date('2026-05-04T09:10:00Z'), hour)).toBe(start + hour);
  });

  it('works for other window sizes', () => {
    expect(rateWindowStart(new Date('2026-05-04T08:07:31Z'), 60)).toBe(at('2026-05-04T08:07:00Z'));
    expect(rateWindowStart(new Date('2026-05-04T08:07:31Z'), 1)).toBe(at('2026-05-04T08:07:31Z'));
  });

  it('returns a window boundary at or before the instant, less than one window ago', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 7 * 24 * 3600 }),
        (now, windowSeconds) => {
          const seconds = Math.floor(now.getTime() / 1000);
          const start = rateWindowStart(now, windowSeconds);
          expect(Number.isInteger(start)).toBe(true);
          expect(start % windowSeconds).toBe(0);
          expect(start).toBeLessThanOrEqual(seconds);
          expect(seconds - start).toBeLessThan(windowSeconds);
        },
      ),
    );
  });

  it('the acknowledgement limit is a few per hour', () => {
    expect(ACKNOWLEDGEMENT_LIMIT.windowSeconds).toBe(3600);
    expect(ACKNOWLEDGEMENT_LIMIT.max).toBeGreaterThan(0);
    expect(ACKNOWLEDGEMENT_LIMIT.max).toBeLessThanOrEqual(10);
  });
});
