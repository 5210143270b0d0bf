import { describe, expect, it } from 'vitest';
import { changeRecords, messageRecord } from '../../../functions/domain/history';
import {
  assertDistinct,
  mayWriteIntoTarget,
  mergeCheck,
  mergedSource,
  mergeNoteBody,
} from '../../../functions/domain/merge';
import { aTicket } from '../fakes';

describe('merging tickets (domain)', () => {
  const at = '2026-05-04T08:00:00.000Z';

  it('refuses the ticket itself as a 400, closed and merged tickets as 409s', () => {
    expect(() => assertDistinct('T-1', 'T-1')).toThrow(expect.objectContaining({ status: 400 }));
    const open = aTicket({ ticketId: 'T-1' });
    const other = aTicket({ ticketId: 'T-2', status: 'in_progress', assignee: 'bob' });
    expect(mergeCheck(open, other)).toBe('ok');
    const closed = aTicket({ ticketId: 'T-3', status: 'closed' });
    expect(() => mergeCheck(open, closed)).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => mergeCheck(closed, open)).toThrow(expect.objectContaining({ status: 409 }));
    const merged = mergedSource(open, 'T-2', 'alice', at);
    expect(mergeCheck(merged, other)).toBe('replay');
    expect(() => mergeCheck(merged, closed)).toThrow(/merged into T-2 already/);
    expect(() => mergeCheck(other, merged)).toThrow(/merge into that one instead/);
  });

  it('closes the source, drops its agent, and records exactly one merge', () => {
    const held = aTicket({ ticketId: 'T-1', status: 'in_progress', assignee: 'bob' });
    const merged = mergedSource(held, 'T-2', 'alice', at);
    expect(merged).toMatchObject({
      status: 'closed',
      mergedInto: { ticketId: 'T-2', at, by: 'alice' },
    });
    expect(merged.assignee).toBeUndefined();
    expect(changeRecords(held, merged, 'alice', at)).toEqual([
      { at, actor: 'alice', action: 'merge', from: 'T-1', to: 'T-2' },
    ]);
  });

  it("gives the target's note the target's merge record, naming no one's words", () => {
    const note = {
      messageId: 'merge-T-1',
      ticketId: 'T-2',
      author: { kind: 'agent' as const, name: 'alice' },
      body: mergeNoteBody('T-1', 'alice'),
      internal: true,
      channel: 'web' as const,
      createdAt: at,
      mergedFrom: 'T-1',
    };
    expect(messageRecord(note)).toEqual({
      at,
      actor: 'alice',
      action: 'merge',
      from: 'T-1',
      to: 'T-2',
      ref: 'merge-T-1',
    });
    expect(note.body).toContain('T-1');
  });

  it("lets into the target's conversation only its requester and its customer's people", () => {
    const target = aTicket({
      ticketId: 'T-2',
      requester: { name: 'Ann', email: 'ann@a.example' },
      customer: { id: 'acme', name: 'ACME' },
    });
    expect(mayWriteIntoTarget({ email: 'ann@a.example' }, target)).toBe(true);
    expect(mayWriteIntoTarget({ email: 'x@b.example', customerId: 'acme' }, target)).toBe(true);
    expect(mayWriteIntoTarget({ email: 'x@b.example', customerId: 'other' }, target)).toBe(false);
    expect(mayWriteIntoTarget({}, aTicket({ ticketId: 'T-3', requester: { name: 'P' } }))).toBe(
      false,
    );
  });
});
