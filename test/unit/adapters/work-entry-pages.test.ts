import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoWorkEntryRepository } from '../../../functions/adapters/work-entry-repository';

/** One branch of the export's read-ahead: a caller that stops while a page is in flight. */
describe('billableEntriesInMonth read-ahead', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('asks for the next page before yielding, and a caller that stops early leaves no unhandled failure', async () => {
    process.on('unhandledRejection', onUnhandled);
    const sent: unknown[] = [];
    // A stand-in client for this one branch: the first page answers, the read-ahead fails.
    const db = {
      send: (command: { input: unknown }) => {
        sent.push(command.input);
        return sent.length === 1
          ? Promise.resolve({
              Items: [{ pk: 'TICKET#T-1', sk: 'WORK#W1', entryId: 'W1', billingPk: 'B' }],
              LastEvaluatedKey: { pk: 'TICKET#T-1', sk: 'WORK#W1' },
            })
          : Promise.reject(new Error('throttled'));
      },
    } as unknown as DynamoDBDocumentClient;
    const entries = new DynamoWorkEntryRepository(db, 'table');

    for await (const page of entries.billableEntriesInMonth('2026-03')) {
      expect(page).toEqual([{ entryId: 'W1' }]);
      expect(sent).toHaveLength(2);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });

  it('hands a read-ahead failure to the caller at the next page, even if it came while the caller was busy', async () => {
    process.on('unhandledRejection', onUnhandled);
    let calls = 0;
    const db = {
      send: () =>
        ++calls === 1
          ? Promise.resolve({ Items: [{ entryId: 'W1' }], LastEvaluatedKey: { pk: 'x' } })
          : Promise.reject(new Error('throttled')),
    } as unknown as DynamoDBDocumentClient;
    const pages: unknown[] = [];
    const reading = (async () => {
      for await (const page of new DynamoWorkEntryRepository(db, 'table').billableEntriesInMonth(
        '2026-03',
      )) {
        pages.push(page);
        // The caller works on the page (names, upload) while the next one fails.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await expect(reading).rejects.toThrow('throttled');
    expect(pages).toEqual([[{ entryId: 'W1' }]]);
    expect(unhandled).toEqual([]);
  });
});
