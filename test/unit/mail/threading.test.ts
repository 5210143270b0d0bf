import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  messageIdKey,
  normalizeMessageId,
  sesMessageId,
  threadHeaders,
} from '../../../functions/domain/mail/threading';

const id = (n: number) => `<m${n}@mail.example.com>`;

describe('threadHeaders', () => {
  it('has neither In-Reply-To nor References for a new thread', () => {
    const headers = threadHeaders([]);
    expect(headers.references).toEqual([]);
    expect(headers.inReplyTo).toBeUndefined();
    expect('inReplyTo' in headers).toBe(false);
  });

  it('answers the only mail of a thread', () => {
    expect(threadHeaders(['<first@acme.de>'])).toEqual({
      inReplyTo: '<first@acme.de>',
      references: ['<first@acme.de>'],
    });
  });

  it('answers the latest mail and references all, oldest first', () => {
    expect(threadHeaders([id(1), id(2), id(3)])).toEqual({
      inReplyTo: id(3),
      references: [id(1), id(2), id(3)],
    });
  });

  it('puts angle brackets around ids that lack them', () => {
    expect(threadHeaders(['a1@acme.de', ' <b2@acme.de> '])).toEqual({
      inReplyTo: '<b2@acme.de>',
      references: ['<a1@acme.de>', '<b2@acme.de>'],
    });
  });

  it('lists an id once, at its first place, however it was written', () => {
    expect(threadHeaders(['<a@x.de>', 'a@x.de', '<b@x.de>', ' <a@x.de>', '<b@x.de>'])).toEqual({
      inReplyTo: '<b@x.de>',
      references: ['<a@x.de>', '<b@x.de>'],
    });
  });

  it('leaves out what is not a message id', () => {
    expect(threadHeaders(['', 'garbage', '<no at sign>', '<a b@x.de>', '<ok@x.de>'])).toEqual({
      inReplyTo: '<ok@x.de>',
      references: ['<ok@x.de>'],
    });
    expect(threadHeaders(['', 'garbage'])).toEqual({ references: [] });
  });

  it('keeps exactly 20 ids as they are', () => {
    const thread = Array.from({ length: 20 }, (_, i) => id(i));
    expect(threadHeaders(thread)).toEqual({ inReplyTo: id(19), references: thread });
  });

  it('caps References at 20, keeping the first and the latest 19', () => {
    const thread = Array.from({ length: 25 }, (_, i) => id(i));
    const { inReplyTo, references } = threadHeaders(thread);
    expect(inReplyTo).toBe(id(24));
    expect(references).toHaveLength(20);
    expect(references).toEqual([id(0), ...thread.slice(6)]);
  });

  it('caps a 21-id thread by dropping the second id', () => {
    const thread = Array.from({ length: 21 }, (_, i) => id(i));
    expect(threadHeaders(thread).references).toEqual([id(0), ...thread.slice(2)]);
  });

  it('for any thread: at most 20 references, first and latest kept, order kept', () => {
    const localPart = fc.stringMatching(/^[a-z0-9.]{1,12}$/);
    const ids = fc
      .uniqueArray(localPart, { maxLength: 60 })
      .map((parts) => parts.map((p) => `<${p}@h.example>`));
    fc.assert(
      fc.property(ids, (thread) => {
        const { inReplyTo, references } = threadHeaders(thread);
        expect(references.length).toBe(Math.min(thread.length, 20));
        expect(inReplyTo).toBe(thread.at(-1));
        if (thread.length === 0) return;
        expect(references[0]).toBe(thread[0]);
        expect(references.at(-1)).toBe(thread.at(-1));
        const positions = references.map((r) => thread.indexOf(r));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      }),
    );
  });
});

describe('normalizeMessageId', () => {
  it.each([
    ['abc@host.example', '<abc@host.example>'],
    ['<abc@host.example>', '<abc@host.example>'],
    ['  <abc@host.example>  ', '<abc@host.example>'],
    ['\tabc.def-1$x@host\n', '<abc.def-1$x@host>'],
    ['<0107018f-aaaa@eu-central-1.amazonses.com>', '<0107018f-aaaa@eu-central-1.amazonses.com>'],
  ])('%j → %s', (raw, normalized) => {
    expect(normalizeMessageId(raw)).toBe(normalized);
  });

  it.each([
    undefined,
    '',
    '   ',
    'abc',
    '<abc>',
    'a b@host',
    'a@b@c',
    '<a@b> <c@d>',
    '<<a@b>>',
    '@host',
    'abc@',
  ])('%j is no message id', (raw) => {
    expect(normalizeMessageId(raw)).toBeUndefined();
  });
});

describe('messageIdKey', () => {
  it('is the whole id without brackets, in lower case', () => {
    expect(messageIdKey('<AbC-123@Mail.Example.com>')).toBe('abc-123@mail.example.com');
    expect(messageIdKey('abc-123@mail.example.com')).toBe('abc-123@mail.example.com');
  });

  it('ignores case', () => {
    expect(messageIdKey('<ABC@x.de>')).toBe(messageIdKey('<abc@x.de>'));
  });

  it('keeps apart two senders whose ids share the part before the @', () => {
    expect(messageIdKey('<1@a.example>')).not.toBe(messageIdKey('<1@b.example>'));
  });

  it('is the same for the ids SES gives a mail in any region', () => {
    const inUs = sesMessageId('0107018F-ABCD-0000', 'us-east-1');
    const inEu = sesMessageId('0107018f-abcd-0000', 'eu-central-1');
    expect(messageIdKey(inUs)).toBe('0107018f-abcd-0000@amazonses.com');
    expect(messageIdKey(inEu)).toBe(messageIdKey(inUs));
    expect(messageIdKey('<0107018f-abcd-0000@eu-west-1.amazonses.com>')).toBe(messageIdKey(inUs));
  });

  it('tells different mails apart', () => {
    expect(messageIdKey('<a1@x.de>')).not.toBe(messageIdKey('<a2@x.de>'));
  });

  it.each(['', 'garbage', '<a b@c>'])('has no key for %j', (raw) => {
    expect(messageIdKey(raw)).toBeUndefined();
  });
});

describe('sesMessageId', () => {
  it('uses email.amazonses.com in us-east-1', () => {
    expect(sesMessageId('0100018f-1234', 'us-east-1')).toBe('<0100018f-1234@email.amazonses.com>');
  });

  it('names the region elsewhere', () => {
    expect(sesMessageId('0107018f-1234', 'eu-central-1')).toBe(
      '<0107018f-1234@eu-central-1.amazonses.com>',
    );
    expect(sesMessageId('0102018f-1234', 'eu-west-1')).toBe(
      '<0102018f-1234@eu-west-1.amazonses.com>',
    );
  });

  it('is a message id as normalizeMessageId understands it', () => {
    const ses = sesMessageId('0107018f-1234', 'eu-central-1');
    expect(normalizeMessageId(ses)).toBe(ses);
  });
});
