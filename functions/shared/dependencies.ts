import { randomBytes } from 'node:crypto';
import type { Clock, TicketDeps } from '../app/ports';
import { DynamoCustomerRepository } from '../adapters/customer-repository';
import { createDocumentClient } from '../adapters/dynamodb';
import { DynamoIdempotencyStore } from '../adapters/idempotency-store';
import { DynamoTicketNumbers } from '../adapters/ticket-number-allocator';
import { DynamoTicketRepository } from '../adapters/ticket-repository';
import { integer, optional, required } from './config';

/**
 * The composition root: AWS clients and repositories, built once per cold start (or once
 * per local process) from configuration. `DYNAMODB_ENDPOINT` points them at a stand-in.
 */
export function createDependencies(): TicketDeps {
  const tableName = required('TABLE_NAME');
  const endpoint = optional('DYNAMODB_ENDPOINT');
  const db = createDocumentClient(endpoint ? { endpoint } : {});
  const clock: Clock = { now: () => new Date() };
  return {
    tickets: new DynamoTicketRepository(db, tableName),
    customers: new DynamoCustomerRepository(db, tableName),
    idempotency: new DynamoIdempotencyStore(db, tableName, clock),
    ticketNumbers: new DynamoTicketNumbers(db, tableName, integer('TICKET_NUMBER_BLOCK', 20)),
    clock,
    newAccessToken: () => randomBytes(24).toString('base64url'),
  };
}

let shared: TicketDeps | undefined;

/** The dependencies of this process, created on first use. */
export function dependencies(): TicketDeps {
  shared ??= createDependencies();
  return shared;
}
