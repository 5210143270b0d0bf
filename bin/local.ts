import { startLocalStack } from './local/stack';

/**
 * `npm start`: the whole servicedesk on this machine, with stand-ins for every AWS service.
 * Ports: PORT (API and pages, 3000), SES_PORT (sent mail, 8005), DYNAMODB_PORT (8000),
 * SQS_PORT (9324). State: LOCAL_DATA_DIR (.local).
 */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const stack = await startLocalStack({
  port: port('PORT', 3000),
  dynamoDbPort: port('DYNAMODB_PORT', 8000),
  sqsPort: port('SQS_PORT', 9324),
  sesPort: port('SES_PORT', 8005),
  ...(process.env.LOCAL_DATA_DIR ? { dataDir: process.env.LOCAL_DATA_DIR } : {}),
});

console.log(`servicedesk is running on this machine:
  API and pages       ${stack.apiUrl}
  health              ${stack.apiUrl}/health
  staff token         ${stack.apiUrl}/_local/token?sub=alice&groups=agents
  sent mail (SES)     ${stack.sesUrl}  (its /store lists the mail as JSON)
  DynamoDB stand-in   ${stack.dynamoDbEndpoint}  (dynalite, table "${stack.tableName}")
  SQS stand-in        ${stack.sqsEndpoint}  (fauxqs, queue "${stack.outbox.name}" and its DLQ)
Stop with Ctrl-C. State is kept in .local/ (delete it to start afresh).`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    stack.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
