import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FIRST_TICKET_NUMBER } from '../domain/ticket-number';
import type { TicketNumbers } from '../app/ports';
import { keys } from './table-design';

/**
 * Hands out ticket numbers from an atomic counter, reserving a block per call so that a
 * busy function writes the counter once per block, not once per ticket. Numbers are unique
 * under any concurrency; a block a function instance does not use up leaves a gap.
 */
export class DynamoTicketNumbers implements TicketNumbers {
  private nextNumber = 0;
  private endOfBlock = -1;
  private refill: Promise<void> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly blockSize = 20,
  ) {}

  async next(): Promise<number> {
    while (this.nextNumber > this.endOfBlock) {
      this.refill ??= this.reserveBlock().finally(() => (this.refill = undefined));
      await this.refill;
    }
    return this.nextNumber++;
  }

  private async reserveBlock(): Promise<void> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.ticketCounter(),
        UpdateExpression: 'ADD #reserved :block',
        ExpressionAttributeNames: { '#reserved': 'reserved' },
        ExpressionAttributeValues: { ':block': this.blockSize },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const reserved = Number(Attributes?.reserved);
    this.endOfBlock = FIRST_TICKET_NUMBER + reserved - 1;
    this.nextNumber = this.endOfBlock - this.blockSize + 1;
  }
}
