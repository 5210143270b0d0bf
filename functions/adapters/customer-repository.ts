import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  candidateDomains,
  contractBoundaries,
  type Customer,
  normalizePhone,
} from '../domain/customer';
import { ConflictError, ValidationError } from '../domain/errors';
import type { Clock, CustomerMatch, CustomerRepository } from '../app/ports';
import { batchGet } from './batch-get';
import { isConditionFailure } from './dynamodb';
import { fieldsOf } from './item-fields';
import { RECENT_READ_MAX_AGE_MS, RecentReads, systemClock } from './recent-reads';
import { CUSTOMER_LIST_INDEX, keys } from './table-design';
import { queryPages } from './query-collection';

/** Parallel writes per customer save; keeps one huge customer from flooding the table. */
const WRITE_CONCURRENCY = 8;

/**
 * Customers, plus one lookup item per contact address and per mail domain. Each lookup
 * carries the customer's name and contract, so matching a sender is one BatchGet.
 */
export class DynamoCustomerRepository implements CustomerRepository {
  private readonly read: RecentReads<Customer | undefined>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    clock: Clock = systemClock,
  ) {
    this.read = new RecentReads(clock, RECENT_READ_MAX_AGE_MS);
  }

  recent(customerId: string): Promise<Customer | undefined> {
    return this.read.get(customerId, () => this.get(customerId));
  }

  async get(customerId: string): Promise<Customer | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.customer(customerId),
        ConsistentRead: true,
      }),
    );
    return Item ? toCustomer(Item) : undefined;
  }

  async getMany(customerIds: string[]): Promise<Customer[]> {
    const items = await batchGet(
      this.db,
      this.tableName,
      [...new Set(customerIds)].map(keys.customer),
    );
    return items.map(toCustomer);
  }

  async list(limit: number, cursor?: string) {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: CUSTOMER_LIST_INDEX.indexName,
        KeyConditionExpression: '#pk = :all',
        ExpressionAttributeNames: { '#pk': CUSTOMER_LIST_INDEX.partitionKey },
        ExpressionAttributeValues: { ':all': CUSTOMER_LIST },
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: decodeListCursor(cursor) } : {}),
      }),
    );
    return {
      items: Items.map(toCustomer),
      ...(LastEvaluatedKey
        ? { nextCursor: Buffer.from(JSON.stringify(LastEvaluatedKey)).toString('base64url') }
        : {}),
    };
  }

  async save(customer: Customer, previous?: Customer): Promise<void> {
    // Recent reads of this instance never outlive its own change, whether it lands or not.
    this.read.forget(customer.customerId);
    try {
      await this.write(customer, previous);
    } finally {
      this.read.forget(customer.customerId);
    }
  }

  private async write(customer: Customer, previous?: Customer): Promise<void> {
    const wanted = lookupKeys(customer);
    const owned = new Set(previous ? lookupKeys(previous).map((k) => k.pk) : []);
    await this.assertLookupsFree(customer.customerId, wanted);

    const match: CustomerMatch = {
      customerId: customer.customerId,
      name: customer.name,
      ...(customer.contract ? { contract: customer.contract } : {}),
    };
    const written: string[] = [];
    try {
      await inBatches(wanted, async (key) => {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, entity: 'lookup', ...match, ...contactOf(customer, key.pk) },
            ConditionExpression: 'attribute_not_exists(pk) OR customerId = :me',
            ExpressionAttributeValues: { ':me': customer.customerId },
          }),
        );
        written.push(key.pk);
      });
    } catch (error) {
      // Another customer took a contact or domain since the check: undo what this save added.
      const added = written.filter((pk) => !owned.has(pk));
      await inBatches(
        wanted.filter((k) => added.includes(k.pk)),
        (key) => this.deleteLookup(key, customer.customerId),
      );
      if (isConditionFailure(error)) {
        throw new ConflictError(
          'A contact or domain of this customer was just taken by another customer.',
        );
      }
      throw error;
    }

    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...customer,
          ...keys.customer(customer.customerId),
          entity: 'customer',
          [CUSTOMER_LIST_INDEX.partitionKey]: CUSTOMER_LIST,
          [CUSTOMER_LIST_INDEX.sortKey]: `${customer.name.toLowerCase()}#${customer.customerId}`,
        },
      }),
    );
    const stale = previous
      ? lookupKeys(previous).filter((old) => !wanted.some((k) => k.pk === old.pk))
      : [];
    await inBatches(stale, (key) => this.deleteLookup(key, customer.customerId));
    await inBatches(contractBoundaries(customer.contract), (day) =>
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.contractBoundary(day, customer.customerId),
            entity: 'boundary',
            customerId: customer.customerId,
          },
        }),
      ),
    );
  }

  async findBySender(email: string): Promise<CustomerMatch | undefined> {
    // Most specific first: the contact address, then the longest domain.
    return this.firstMatch([keys.contact(email), ...candidateDomains(email).map(keys.domain)]);
  }

  async findByPhone(phone: string): Promise<CustomerMatch | undefined> {
    const number = normalizePhone(phone);
    return number ? this.firstMatch([keys.phone(number)]) : undefined;
  }

  private async firstMatch(wanted: { pk: string; sk: string }[]) {
    const found = await batchGet(this.db, this.tableName, wanted);
    const byPk = new Map(found.map((item) => [item.pk, item]));
    const best = wanted.map((k) => byPk.get(k.pk)).find(Boolean);
    if (!best) return undefined;
    const { customerId, name, contract, contact, ownTicketsOnly, contactName } =
      best as unknown as CustomerMatch;
    return {
      customerId,
      name,
      ...(contract ? { contract } : {}),
      ...(contact ? { contact } : {}),
      ...(ownTicketsOnly === true ? { ownTicketsOnly } : {}),
      ...(contactName ? { contactName } : {}),
    };
  }

  async customersWithContractBoundaryOn(day: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of queryPages(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :day',
      ExpressionAttributeValues: { ':day': keys.contractBoundary(day, '').pk },
    })) {
      for (const item of page.Items ?? []) ids.push(String(item.customerId));
    }
    return ids;
  }

  private async assertLookupsFree(customerId: string, wanted: { pk: string; sk: string }[]) {
    const taken = (await batchGet(this.db, this.tableName, wanted)).filter(
      (item) => item.customerId !== customerId,
    );
    if (taken.length > 0) {
      const names = taken.map((item) => String(item.pk).replace(/^(CONTACT|DOMAIN)#/, ''));
      throw new ConflictError(`Already assigned to another customer: ${names.sort().join(', ')}.`);
    }
  }

  private async deleteLookup(key: { pk: string; sk: string }, customerId: string) {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'customerId = :me',
          ExpressionAttributeValues: { ':me': customerId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function lookupKeys(customer: Customer): { pk: string; sk: string }[] {
  const phones = customer.contacts
    .map((contact) => contact.phone && normalizePhone(contact.phone))
    .filter((phone): phone is string => !!phone);
  return [
    ...customer.contacts.map((contact) => keys.contact(contact.email)),
    ...customer.domains.map(keys.domain),
    ...[...new Set(phones)].map(keys.phone),
  ];
}

/**
 * A phone lookup names the contact the number belongs to, for tickets from the hotline; an
 * address lookup carries what the portal needs of the contact (name, "own tickets only").
 */
function contactOf(
  customer: Customer,
  pk: string,
): Pick<CustomerMatch, 'contact' | 'ownTicketsOnly' | 'contactName'> {
  const byAddress = customer.contacts.find((c) => keys.contact(c.email).pk === pk);
  if (byAddress) {
    return {
      ...(byAddress.ownTicketsOnly === true ? { ownTicketsOnly: true } : {}),
      ...(byAddress.name ? { contactName: byAddress.name } : {}),
    };
  }
  const contact = customer.contacts.find(
    (c) => c.phone && keys.phone(normalizePhone(c.phone) ?? '').pk === pk,
  );
  return contact
    ? { contact: { email: contact.email, ...(contact.name ? { name: contact.name } : {}) } }
    : {};
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += WRITE_CONCURRENCY) {
    await Promise.all(items.slice(start, start + WRITE_CONCURRENCY).map(work));
  }
}

const CUSTOMER_LIST = 'CUSTOMERS';

const STORAGE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'entity',
  CUSTOMER_LIST_INDEX.partitionKey,
  CUSTOMER_LIST_INDEX.sortKey,
]);

function toCustomer(item: Record<string, unknown>): Customer {
  return fieldsOf(item, STORAGE_ATTRIBUTES) as unknown as Customer;
}

/** Accepts only a position in the customer list, so a forged cursor is a 400. */
function decodeListCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    const names = Object.keys(key).sort().join(',');
    if (
      names === 'listPk,listSk,pk,sk' &&
      key.listPk === CUSTOMER_LIST &&
      typeof key.listSk === 'string'
    ) {
      return key;
    }
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not one this API handed out.', [
    { field: 'query.cursor', message: 'Use the nextCursor of the previous page.' },
  ]);
}
