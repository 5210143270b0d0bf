import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeMailbox } from '../../../functions/domain/mail/mailbox';

describe('normalizeMailbox', () => {
  it.each([
    ['bomb@victim.example', 'bomb@victim.example', 'victim.example'],
    ['Bomb+1@Victim.Example', 'bomb@victim.example', 'victim.example'],
    ['bomb+a+b@victim.example', 'bomb@victim.example', 'victim.example'],
    ['  bomb+x@victim.example.  ', 'bomb@victim.example', 'victim.example'],
    ['b.o.m.b@gmail.com', 'bomb@gmail.com', 'gmail.com'],
    ['B.O.M.B+news@GMail.com', 'bomb@gmail.com', 'gmail.com'],
    ['bomb@googlemail.com', 'bomb@gmail.com', 'gmail.com'],
    ['b.omb+z@googlemail.com', 'bomb@gmail.com', 'gmail.com'],
  ])('%s is the mailbox %s at %s', (address, mailbox, domain) => {
    expect(normalizeMailbox(address)).toEqual({ mailbox, domain });
  });

  it('keeps dots everywhere but at Gmail', () => {
    expect(normalizeMailbox('erika.mustermann@example.org').mailbox).toBe(
      'erika.mustermann@example.org',
    );
    expect(normalizeMailbox('e.r.i.k.a@outlook.com').mailbox).toBe('e.r.i.k.a@outlook.com');
  });

  it('keeps a local part that is only a tag, and one of only dots at Gmail', () => {
    expect(normalizeMailbox('+tag@example.org').mailbox).toBe('+tag@example.org');
    expect(normalizeMailbox('...@gmail.com').mailbox).toBe('...@gmail.com');
  });

  it('folds every +tag and case variant of one mailbox into one (property)', () => {
    const local = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/);
    const tag = fc.stringMatching(/^[A-Za-z0-9._+-]{0,10}$/);
    fc.assert(
      fc.property(local, tag, fc.boolean(), (name, suffix, upper) => {
        const address = `${name}+${suffix}@Example.ORG`;
        const variant = upper ? address.toUpperCase() : address;
        expect(normalizeMailbox(variant)).toEqual(normalizeMailbox(`${name}@example.org`));
      }),
    );
  });
});
