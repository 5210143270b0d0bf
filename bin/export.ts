import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { runMonthlyExport } from '../functions/app/monthly-export';
import { formatEuro } from '../functions/domain/money';
import { createDependencies } from '../functions/shared/all-dependencies';
import { LOCAL_CREDENTIALS } from './local/dynamodb';
import { startLocalStack } from './local/stack';

/**
 * `npm run export -- --month YYYY-MM [--out DIR]`: what the monthly schedule does, from the
 * command line, against the local stack: writes the month's billing export to the export
 * bucket and mails finance where it is. Uses the running `npm start` if there is one,
 * else starts the stand-ins on the same data folder for the run.
 */
const { values } = parseArgs({
  options: { month: { type: 'string' }, out: { type: 'string' } },
});
if (values.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.month)) {
  console.error('--month must be YYYY-MM');
  process.exit(2);
}

const ports = {
  api: Number(process.env.PORT ?? 3000),
  dynamoDb: Number(process.env.DYNAMODB_PORT ?? 8000),
  sqs: Number(process.env.SQS_PORT ?? 9324),
};
const running = await fetch(`http://127.0.0.1:${ports.api}/health`).then(
  (response) => response.ok,
  () => false,
);

let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
if (running) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const endpoint = `http://127.0.0.1:${ports.sqs}`;
  const sqs = new SQSClient({ endpoint, region: 'eu-central-1', credentials: LOCAL_CREDENTIALS });
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'outbox' }));
  sqs.destroy();
  Object.assign(process.env, {
    TABLE_NAME: 'servicedesk',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamoDb}`,
    SQS_ENDPOINT: endpoint,
    S3_ENDPOINT: endpoint,
    OUTBOX_QUEUE_URL: QueueUrl,
    EXPORT_BUCKET: 'servicedesk-exports',
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
} else {
  stack = await startLocalStack({
    port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    sesPort: 0,
    smtpPort: 0,
    ...(process.env.LOCAL_DATA_DIR ? { dataDir: process.env.LOCAL_DATA_DIR } : {}),
  });
}

const result = await runMonthlyExport(createDependencies(), values.month);
console.log(
  `Billing export ${result.month}: ${result.entries} billable entries, ${formatEuro(result.amountCents, 'de')} net`,
);
const s3 = new S3Client({
  endpoint: process.env.S3_ENDPOINT,
  forcePathStyle: true,
  region: 'eu-central-1',
  credentials: LOCAL_CREDENTIALS,
});
for (const file of result.files) {
  console.log(`  ${file.format}: s3://${file.bucket}/${file.key}`);
  if (values.out) {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }));
    mkdirSync(values.out, { recursive: true });
    const target = join(values.out, file.key.split('/').pop() ?? file.key);
    writeFileSync(target, (await Body?.transformToByteArray()) ?? new Uint8Array());
    console.log(`    copied to ${target}`);
  }
}
s3.destroy();
if (stack) {
  // Let the mailer deliver the finance notice before the stand-ins stop.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await stack.close();
  console.log('Finance was mailed; see the SES stand-in page when `npm start` runs.');
} else {
  console.log(`Finance is mailed by the running stack; see its SES stand-in page.`);
}
