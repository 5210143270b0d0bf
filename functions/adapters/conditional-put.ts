import {
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './dynamodb';

/**
 * Writes the item if its condition holds: true when written, false when the condition
 * failed (someone else was first). Every other error is thrown.
 */
export async function conditionalPut(
  db: DynamoDBDocumentClient,
  input: PutCommandInput & { ConditionExpression: string },
): Promise<boolean> {
  try {
    await db.send(new PutCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
