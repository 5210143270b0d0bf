import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { DynamoTicketRepository } from '../../functions/adapters/ticket-repository';
import { ClaimCandidates } from '../../functions/app/claim-candidates';
import { claimNextTicket } from '../../functions/app/claim-next-ticket';
import { aTicket } from '../unit/fakes';
import { useStack } from './harness';

/**
 * Claims of several instances (Lambda environments) on one table: each instance shares
 * its read of the queue heads among its own claims, and instances race each other only
 * through the conditional write.
 */
describe('claims from several instances in the DynamoDB stand-in', () => {
  const { api } = useStack();

  function instance() {
    const db = createDocumentClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'eu-central-1',
    });
    const clock = { now: () => new Date() };
    let claimCandidates: ClaimCandidates | undefined = undefined;
    const tickets = new DynamoTicketRepository(db, api.stack.tableName, () =>
      claimCandidates?.queueChanged(),
    );
    claimCandidates = new ClaimCandidates(tickets, clock);
    const deps = { tickets, claimCandidates, clock };
    return { db, tickets, claim: (agent: string) => claimNextTicket(deps, agent) };
  }

  it('hands every ticket to exactly one of 16 agents spread over 3 instances', async () => {
    const instances = [instance(), instance(), instance()];
    const [first] = instances as [ReturnType<typeof instance>];
    const ids = Array.from({ length: 90 }, (_, i) => `T-${70000 + i}`);
    for (const [i, ticketId] of ids.entries()) {
      const receivedAt = new Date(Date.UTC(2026, 4, 4, 7, 0, i)).toISOString();
      expect(await first.tickets.create(aTicket({ ticketId, receivedAt }))).toBe(true);
    }

    const claims = await Promise.all(
      Array.from({ length: 16 }, async (_, agent) => {
        const { claim } = instances[agent % instances.length] as ReturnType<typeof instance>;
        const mine: string[] = [];
        for (
          let ticket = await claim(`agent${agent}`);
          ticket;
          ticket = await claim(`agent${agent}`)
        ) {
          expect(ticket).toMatchObject({ status: 'in_progress', assignee: `agent${agent}` });
          mine.push(ticket.ticketId);
        }
        return mine;
      }),
    );

    const all = claims.flat();
    expect(all.sort()).toEqual([...ids].sort());
    for (const [agent, mine] of claims.entries()) {
      for (const ticketId of mine) {
        expect(await first.tickets.get(ticketId)).toMatchObject({ assignee: `agent${agent}` });
      }
    }
    expect((await first.tickets.queuePage(10)).items).toEqual([]);
    for (const { db } of instances) db.destroy();
  });

  it('claims a ticket its own instance just queued ahead of the heads it had read', async () => {
    const here = instance();
    await here.tickets.create(aTicket({ ticketId: 'T-71000', severity: 'low' }));
    await here.tickets.create(aTicket({ ticketId: 'T-71001', severity: 'low' }));
    expect((await here.claim('alice'))?.ticketId).toBe('T-71000');

    await here.tickets.create(aTicket({ ticketId: 'T-71002', severity: 'critical' }));
    expect((await here.claim('bob'))?.ticketId).toBe('T-71002');
    expect((await here.claim('carol'))?.ticketId).toBe('T-71001');
    expect(await here.claim('dave')).toBeUndefined();
    here.db.destroy();
  });
});
