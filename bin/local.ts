import { join } from 'node:path';
import { DEFAULT_DATA_DIR, startLocalStack } from './local/stack';

/**
 * `npm start`: the whole servicedesk on this machine, with stand-ins for every AWS service.
 * Ports: PORT (API and pages, 3000), SES_PORT (sent mail, 8005), SMTP_PORT (inbound mail,
 * 2525), DYNAMODB_PORT (8000), SQS_PORT (SQS, SNS and S3: 9324). State: LOCAL_DATA_DIR (.local).
 */
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const stack = await startLocalStack({
  port: port('PORT', 3000),
  dynamoDbPort: port('DYNAMODB_PORT', 8000),
  sqsPort: port('SQS_PORT', 9324),
  sesPort: port('SES_PORT', 8005),
  smtpPort: port('SMTP_PORT', 2525),
  ...(process.env.LOCAL_DATA_DIR ? { dataDir: process.env.LOCAL_DATA_DIR } : {}),
});

const dataDir = process.env.LOCAL_DATA_DIR ?? DEFAULT_DATA_DIR;
console.log(`servicedesk is running on this machine:
  support form        ${stack.apiUrl}/  (English: ${stack.apiUrl}/en/)
  agent console       ${stack.apiUrl}/console.html
  finance, admin      ${stack.apiUrl}/finance.html, ${stack.apiUrl}/admin.html
  API                 ${stack.apiUrl}  (health: ${stack.apiUrl}/health)
  API description     ${stack.apiUrl}/openapi.json  (OpenAPI 3.1)
  staff token         ${stack.apiUrl}/_local/token?sub=alice&groups=agents
  sent mail (SES)     ${stack.sesUrl}  (its /store lists the mail as JSON)
  inbound mail (SMTP) 127.0.0.1:${stack.smtpPort}  (any recipient; becomes a ticket as if SES received it)
  voicemail hook      POST ${stack.apiUrl}/intake/voicemail  (HMAC secret in ${join(dataDir, 'voicemail-secret')})
  DynamoDB stand-in   ${stack.dynamoDbEndpoint}  (dynalite, table "${stack.tableName}")
  SQS/SNS/S3 stand-in ${stack.sqsEndpoint}  (fauxqs: queues "${stack.outbox.name}", "${stack.intake.name}" with DLQs, bucket "${stack.mailBucket}")
  SLA escalation      every minute (warnings and breaches to ${process.env.AGENT_TEAM_ADDRESS ?? 'agents@servicedesk.test'} and the assignee)
  queue recount       every minute (the queue position's counters checked against the queue index)
Stop with Ctrl-C. State is kept in ${dataDir} (delete it to start afresh).`);

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
