import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb';
import { DynamoWorkEntryRepository } from '../../functions/adapters/work-entry-repository';
import { aWorkEntry } from '../unit/billing/billing-fakes';
import { useStack } from './harness';

/** The export's read of a month: pages of the billing index, the next one read ahead. */
describe('reading a billing month page by page in the DynamoDB stand-in', () => {
  const { api } = useStack();
  let entries: DynamoWorkEntryRepository;
  const ids: string[] = [];

  beforeAll(async () => {
    const db = createDocumentClient({
      endpoint: api.stack.dynamoDbEndpoint,
      region: 'eu-central-1',
    });
    entries = new DynamoWorkEntryRepository(db, api.stack.tableName);
    // 1,150 billable entries: three pages of at most 500.
    for (let i = 0; i < 1150; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const n = String(i + j).padStart(5, '0');
          ids.push(`W${n}`);
          return entries.add(
            aWorkEntry({
              entryId: `W${n}`,
              ticketId: `T-${20000 + ((i + j) % 40)}`,
              date: '2026-03-15',
              customer: { id: `c${String((i + j) % 7)}`, name: 'Customer' },
            }),
          );
        }),
      );
    }
  }, 60_000);

  it('yields every entry once, in billing order, across pages', async () => {
    const pages: string[][] = [];
    for await (const page of entries.billableEntriesInMonth('2026-03')) {
      pages.push(page.map((e) => `${e.customer.id ?? ''}#${e.date}#${e.entryId}`));
    }
    expect(pages.map((p) => p.length)).toEqual([500, 500, 150]);
    const keys = pages.flat();
    expect(keys).toEqual([...keys].sort());
    expect(keys.map((k) => k.split('#')[2]).sort()).toEqual([...ids].sort());
  });
});
