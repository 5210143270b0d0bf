import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { startSes } from '../../bin/local/ses';

/**
 * The SES stand-in keeps the newest mails in memory and every mail in its journal: a stack
 * under load for hours holds a bounded mailbox, and nothing sent is lost from the disk.
 */
describe('the SES stand-in under many mails', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'servicedesk-ses-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const send = async (endpoint: string, count: number) => {
    const ses = new SESv2Client({
      endpoint,
      region: 'eu-central-1',
      credentials: LOCAL_CREDENTIALS,
    });
    for (let i = 0; i < count; i++) {
      await ses.send(
        new SendEmailCommand({
          FromEmailAddress: 'support@servicedesk.test',
          Destination: { ToAddresses: [`m${i}@mail.example`] },
          Content: { Simple: { Subject: { Data: `mail ${i}` }, Body: { Text: { Data: 'x' } } } },
        }),
      );
    }
    ses.destroy();
  };
  const subjects = async (endpoint: string) => {
    const { emails } = (await (await fetch(`${endpoint}/store`)).json()) as {
      emails: { subject: string }[];
    };
    return emails.map((e) => e.subject);
  };

  it('shows at least the newest `keep` mails, journals all, and restores the newest', async () => {
    const first = await startSes({ port: 0, dataDir, keep: 3 });
    await send(first.endpoint, 10);
    const shown = await subjects(first.endpoint);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.length).toBeLessThanOrEqual(6);
    expect(shown.slice(-3)).toEqual(['mail 7', 'mail 8', 'mail 9']);
    expect(first.sent()).toBe(10);
    await first.close();

    const journal = await readFile(join(dataDir, 'ses-sent-mail.ndjson'), 'utf8');
    expect(journal.trim().split('\n')).toHaveLength(10);

    const second = await startSes({ port: 0, dataDir, keep: 3 });
    expect(await subjects(second.endpoint)).toEqual(['mail 7', 'mail 8', 'mail 9']);
    await second.close();
  });
});
