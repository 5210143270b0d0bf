import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { OutboxEvent } from '../domain/mail/outbox-event';
import type { Outbox } from '../app/ports';

/** The outbox is an SQS queue; the mailer function consumes it. */
export class SqsOutbox implements Outbox {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(event: OutboxEvent): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(event),
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: event.kind },
          eventId: { DataType: 'String', StringValue: event.eventId },
        },
      }),
    );
  }
}
