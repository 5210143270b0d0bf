import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** A page of a Query or a Scan: what the pager reads to go on. */
interface KeyedPage {
  LastEvaluatedKey?: Record<string, unknown>;
}

/** How to walk the pages. */
export interface PageOptions {
  /**
   * Ask for the next page while the caller works on this one, so a long walk waits for the
   * store about once rather than once per page; at most two pages are held. @default false
   */
  readonly readAhead?: boolean;
}

/** Every page of one Query, one after another, until DynamoDB names no further key. */
export function queryPages(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  options: PageOptions = {},
): AsyncIterable<QueryCommandOutput> {
  return pagesOf(
    (startKey) =>
      db.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })),
    options,
  );
}

/** Every page of one Scan, one after another, until DynamoDB names no further key. */
export function scanPages(
  db: DynamoDBDocumentClient,
  input: Omit<ScanCommandInput, 'ExclusiveStartKey'>,
): AsyncIterable<ScanCommandOutput> {
  return pagesOf((startKey) =>
    db.send(new ScanCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })),
  );
}

/** The one LastEvaluatedKey loop: reads page after page from where the last one ended. */
async function* pagesOf<P extends KeyedPage>(
  read: (startKey?: Record<string, unknown>) => Promise<P>,
  options: PageOptions = {},
): AsyncIterable<P> {
  if (!options.readAhead) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await read(startKey);
      yield page;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return;
  }
  // A page read ahead may fail before anyone awaits it (or after the caller stopped): it is
  // marked handled at once, and its failure reaches the caller at the next page.
  const ahead = (startKey?: Record<string, unknown>) => {
    const page = read(startKey);
    page.catch(() => undefined);
    return page;
  };
  let next: Promise<P> | undefined = ahead();
  while (next) {
    const page: P = await next;
    next = page.LastEvaluatedKey ? ahead(page.LastEvaluatedKey) : undefined;
    yield page;
  }
}

/** All items of one partition whose sort key starts with `prefix`, page after page. */
export async function queryCollection(
  db: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  prefix: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(db, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
  })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}
