import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../bin/local/dynamodb';
import { OPEN_CONTRACT, TestStack, type SentMailInStore } from './harness';

describe('mail out: acknowledgements, agent replies, billing notices', () => {
  let api: TestStack;
  let agent: string;
  let sqs: SQSClient;
  let db: DynamoDBClient;

  beforeAll(async () => {
    api = await TestStack.start();
    agent = await api.token('alice', ['agents']);
    const admin = await api.token('root', ['admins']);
    await api.request('PUT', '/customers/acme', {
      token: admin,
      body: { name: 'ACME GmbH', domains: ['acme.example'], contract: OPEN_CONTRACT },
    });
    const options = { endpoint: '', region: 'eu-central-1', credentials: LOCAL_CREDENTIALS };
    sqs = new SQSClient({ ...options, endpoint: api.stack.sqsEndpoint });
    db = new DynamoDBClient({ ...options, endpoint: api.stack.dynamoDbEndpoint });
  });
  afterAll(async () => {
    sqs?.destroy();
    db?.destroy();
    await api?.stop();
  });

  const to = (address: string) => (mail: SentMailInStore) =>
    mail.destination.to.some((t) => t.includes(address));

  it('acknowledges a standard customer in German, with the policy, sales phone and link', async () => {
    const ticket = await api.submit({
      name: 'Jörg Müller',
      email: 'joerg@kleinbetrieb.example',
      subject: 'Drucker <b>druckt</b> nicht',
    });
    const [mail, ...more] = await api.mailTo(to('joerg@kleinbetrieb.example'));
    expect(more).toEqual([]);
    expect(mail?.destination.to[0]).toContain('Jörg Müller');
    expect(mail?.subject).toBe(
      `[${ticket.ticketId}] Eingangsbestätigung: Drucker <b>druckt</b> nicht`,
    );
    const text = mail?.body.text ?? '';
    expect(text).toContain('Guten Tag Jörg Müller');
    expect(text).toContain('kein Service- und Wartungsvertrag');
    expect(text).toContain('sobald keine Anfrage mit höherer Priorität wartet');
    expect(text).toContain('Preisliste');
    expect(text).toContain('+49 30 1234567-0');
    expect(text).toContain(ticket.accessToken);
    expect(text).toContain(`ticket=${ticket.ticketId}`);
    const html = mail?.body.html ?? '';
    expect(html).toContain('Drucker &lt;b&gt;druckt&lt;/b&gt; nicht');
    expect(html).not.toContain('<b>druckt</b>');
    expect(html).toContain('lang="de"');
  });

  it('acknowledges a contract customer in English, with prioritized handling and no sales pitch', async () => {
    const ticket = await api.submit({
      email: 'ops@acme.example',
      locale: 'en-GB',
      name: 'Åsa Öberg',
    });
    expect(ticket.group).toBe('contract');
    const [mail] = await api.mailTo(to('ops@acme.example'));
    expect(mail?.subject).toBe(
      `[${ticket.ticketId}] We received your request: Backup schlägt fehl`,
    );
    const text = mail?.body.text ?? '';
    expect(text).toContain('Hello Åsa Öberg');
    expect(text).toContain('service & maintenance contract');
    expect(text).toContain('handled with priority');
    expect(text).not.toContain('+49 30 1234567-0');
    expect(mail?.body.html).toContain('lang="en"');
  });

  it('mails an agent reply threaded under the acknowledgement; internal notes stay inside', async () => {
    const ticket = await api.submit({ email: 'reply@kunde.example', subject: 'Lizenz' });
    await api.outboxIdle();
    const internal = await api.request('POST', `/tickets/${ticket.ticketId}/messages`, {
      token: agent,
      body: { body: 'Kunde hat Lizenz abgelaufen – intern prüfen', internal: true },
    });
    expect(internal.status).toBe(201);
    const reply = await api.request('POST', `/tickets/${ticket.ticketId}/messages`, {
      token: agent,
      body: { body: 'Guten Tag,\n\nbitte starten Sie den Dienst neu.\n\nGrüße' },
    });
    expect(reply.status).toBe(201);
    const mails = await api.mailTo(to('reply@kunde.example'));
    expect(mails.map((m) => m.subject)).toEqual([
      `[${ticket.ticketId}] Eingangsbestätigung: Lizenz`,
      `Re: [${ticket.ticketId}] Lizenz`,
    ]);
    expect(mails[1]?.body.text).toContain('bitte starten Sie den Dienst neu.');
    expect(mails.some((m) => m.body.text?.includes('intern prüfen'))).toBe(false);

    const view = await api.request('GET', `/tickets/${ticket.ticketId}`, { token: agent });
    const [ack, sent] = view.json.mails as {
      kind: string;
      messageId: string;
      ownMessageId: string;
      inReplyTo: string | null;
      references: string[];
    }[];
    expect(ack?.kind).toBe('acknowledgement');
    expect(ack?.messageId).toMatch(/^<ses-.+@eu-central-1\.amazonses\.com>$/);
    expect(sent?.kind).toBe('agent-reply');
    // SES replaced our Message-ID: the reply answers the id SES gave and names both.
    expect(sent?.inReplyTo).toBe(ack?.messageId);
    expect(sent?.references).toEqual([ack?.ownMessageId, ack?.messageId]);
    expect((view.json.messages as unknown[]).length).toBe(2);

    const customerView = await api.request('GET', `/tickets/${ticket.ticketId}`, {
      headers: { 'x-ticket-token': ticket.accessToken },
    });
    const visible = customerView.json.messages as { body: string }[];
    expect(visible.map((m) => m.body)).toEqual([
      'Guten Tag,\n\nbitte starten Sie den Dienst neu.\n\nGrüße',
    ]);
  });

  it('appends a customer message and reopens a resolved ticket at its original place', async () => {
    const ticket = await api.submit({ email: 'back@kunde.example' });
    const path = `/tickets/${ticket.ticketId}`;
    await api.request('PATCH', path, { token: agent, body: { status: 'in_progress' } });
    await api.request('PATCH', path, { token: agent, body: { status: 'resolved' } });
    const message = await api.request('POST', `${path}/messages`, {
      headers: { 'x-ticket-token': ticket.accessToken },
      body: { body: 'Das Problem ist wieder da.' },
    });
    expect(message.status).toBe(201);
    expect(message.json.ticketStatus).toBe('open');
    expect(message.json.author).toMatchObject({ kind: 'customer' });
    const queue = await api.queue(agent);
    expect(queue.find((t) => t.ticketId === ticket.ticketId)?.receivedAt).toBe(ticket.receivedAt);
    const internal = await api.request('POST', `${path}/messages`, {
      headers: { 'x-ticket-token': ticket.accessToken },
      body: { body: 'psst', internal: true },
    });
    expect(internal.status).toBe(400);
    const wrongToken = await api.request('POST', `${path}/messages`, {
      headers: { 'x-ticket-token': 'nope' },
      body: { body: 'hi' },
    });
    expect(wrongToken.status).toBe(404);
  });

  it('sends one mail for an outbox event delivered twice', async () => {
    const ticket = await api.submit({ email: 'twice@kunde.example' });
    await api.outboxIdle();
    const event = {
      kind: 'acknowledgement',
      eventId: `ack.${ticket.ticketId}`,
      ticketId: ticket.ticketId,
      accessToken: ticket.accessToken,
    };
    for (let i = 0; i < 2; i++) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: api.stack.outbox.url,
          MessageBody: JSON.stringify(event),
        }),
      );
    }
    const mails = await api.mailTo(to('twice@kunde.example'));
    expect(mails).toHaveLength(1);
  });

  it('moves a poison message to the dead-letter queue and loses nothing else', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: api.stack.outbox.url,
        MessageBody: '{"kind":"nonsense"}',
      }),
    );
    const ticket = await api.submit({ email: 'after-poison@kunde.example' });
    const deadline = Date.now() + 20_000;
    let inDlq = 0;
    while (Date.now() < deadline) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: api.stack.outbox.deadLetter.url,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
      );
      inDlq = Number(Attributes.ApproximateNumberOfMessages);
      if (inDlq > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(inDlq).toBe(1);
    const mails = await api.mailTo(to('after-poison@kunde.example'));
    expect(mails.map((m) => m.subject)).toEqual([
      `[${ticket.ticketId}] Eingangsbestätigung: Backup schlägt fehl`,
    ]);
  });

  it('mails a billing notice listing the billable entries when the ticket is resolved', async () => {
    const billed = await api.submit({ email: 'billing@kunde.example', subject: 'Datenbank' });
    const free = await api.submit({ email: 'free@kunde.example', subject: 'Frage' });
    for (const [i, amountCents] of [123456, 0, 4500].entries()) {
      await db.send(
        new PutItemCommand({
          TableName: api.stack.tableName,
          Item: marshall({
            pk: `TICKET#${billed.ticketId}`,
            sk: `WORK#2026-11-0${i + 1}#E${i}`,
            entity: 'work-entry',
            entryId: `E${i}`,
            ticketId: billed.ticketId,
            agent: 'alice',
            date: `2026-11-0${i + 1}`,
            minutes: 50,
            serviceCode: i === 0 ? 'ONSITE' : 'REMOTE',
            serviceName: i === 0 ? 'Vor-Ort-Einsatz' : 'Fernwartung',
            description: 'Arbeit',
            coveredMinutes: amountCents === 0 ? 50 : 0,
            billableMinutes: amountCents === 0 ? 0 : 50,
            quantity: amountCents === 0 ? 0 : 4,
            unitPriceCents: 30864,
            amountCents,
            currency: 'EUR',
          }),
        }),
      );
    }
    for (const ticket of [billed, free]) {
      const path = `/tickets/${ticket.ticketId}`;
      await api.request('PATCH', path, { token: agent, body: { status: 'in_progress' } });
      const resolved = await api.request('PATCH', path, {
        token: agent,
        body: { status: 'resolved' },
      });
      expect(resolved.status).toBe(200);
    }
    const notices = await api.mailTo((m) => m.subject.includes('Leistungsnachweis'));
    expect(notices.map((m) => m.subject)).toEqual([
      `[${billed.ticketId}] Leistungsnachweis: Datenbank`,
    ]);
    const text = notices[0]?.body.text ?? '';
    expect(text).toContain('Vor-Ort-Einsatz (ONSITE)');
    expect(text).toContain('1.234,56 €');
    expect(text).toContain('45,00 €');
    expect(text).toContain('Summe (netto): 1.279,56 €');
    expect(text.match(/^- /gm)).toHaveLength(2);
  });

  it('acknowledges no no-reply address and at most five mails per address and hour', async () => {
    await api.submit({ email: 'noreply@shop.example' });
    for (let i = 0; i < 7; i++)
      await api.submit({ email: 'flood@kunde.example', subject: `Flut ${i}` });
    expect(await api.mailTo(to('noreply@shop.example'))).toEqual([]);
    expect(await api.mailTo(to('flood@kunde.example'))).toHaveLength(5);
  });
});
