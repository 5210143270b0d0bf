import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { instrumented } from '../shared/instrumentation';

/** Client settings; the local stack points `endpoint` at its DynamoDB stand-in. */
export interface DynamoDbSettings {
  endpoint?: string;
  region?: string;
}

/** A document client that drops `undefined` and keeps numbers as numbers. */
export function createDocumentClient(settings: DynamoDbSettings = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
  return DynamoDBDocumentClient.from(instrumented(client), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/** True for the error DynamoDB returns when a write's condition does not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
