import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Key = Record<string, string>;

/** Reads up to any number of items by key, 100 per call, retrying what DynamoDB left over. */
export async function batchGet(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: Key[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Key[] = keys.slice(start, start + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 10));
      const { Responses, UnprocessedKeys } = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
      );
      items.push(...(Responses?.[tableName] ?? []));
      pending = (UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined) ?? [];
      if (attempt > 8 && pending.length > 0) throw new Error('DynamoDB keeps leaving keys unread');
    }
  }
  return items;
}
