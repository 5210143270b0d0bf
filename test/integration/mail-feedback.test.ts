import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestStack, type SentMailInStore } from './harness';

interface Message {
  messageId: string;
  author: { kind: string; name: string };
  body: string;
  internal: boolean;
}

interface HistoryRecord {
  actor: string;
  action: string;
  to?: string;
  ref?: string;
}

const BOUNCE = 'bounce@simulator.amazonses.com';
const COMPLAINT = 'complaint+portal@simulator.amazonses.com';

/**
 * SES's bounce and complaint events, end to end through the local stack: the SES stand-in
 * plays SES's mailbox simulator and publishes the event records a configuration set
 * publishes, through SNS and SQS, to the feedback handler (issue 16 §2).
 */
describe('bounces and complaints (SES configuration-set events)', () => {
  let api: TestStack;
  let agent: string;

  beforeAll(async () => {
    process.env.LOCAL_SES_BOUNCE = 'gone@bounce-me.example';
    api = await TestStack.start();
    agent = await api.token('alice', ['agents']);
  });
  afterAll(async () => {
    await api.stop();
    delete process.env.LOCAL_SES_BOUNCE;
  });

  const agentView = async (ticketId: string) => {
    const response = await api.request('GET', `/tickets/${ticketId}`, { token: agent });
    expect(response.status, response.text).toBe(200);
    return response.json as unknown as { status: string; messages: Message[] };
  };

  /** Waits until the ticket carries a note from the mail delivery (SES reports moments later). */
  const noteOn = async (ticketId: string): Promise<Message> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const note = (await agentView(ticketId)).messages.find(
        (m) => m.author.name === 'mail delivery',
      );
      if (note) return note;
      if (Date.now() > deadline) throw new Error(`no delivery note on ${ticketId}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const mailsOf = (ticketId: string) => (mail: SentMailInStore) =>
    mail.subject.includes(`[${ticketId}]`);

  it('a permanent bounce notes it on the ticket (internal, with its history record) and suppresses the address', async () => {
    const first = await api.submit({ email: BOUNCE });
    // SES took the acknowledgement; the simulator bounces it.
    expect(await api.mailTo(mailsOf(first.ticketId))).toHaveLength(1);
    const note = await noteOn(first.ticketId);
    expect(note.internal).toBe(true);
    expect(note.body).toContain('Mail to the requester bounced: permanent (General)');
    expect(note.body).toContain('5.1.1');

    // The customer never sees it.
    const customer = await api.request('GET', `/tickets/${first.ticketId}`, {
      headers: { 'x-ticket-token': first.accessToken },
    });
    expect(customer.status).toBe(200);
    expect(customer.json.messages).toEqual([]);

    const history = await api.request('GET', `/tickets/${first.ticketId}/history`, {
      token: agent,
    });
    expect(history.status, history.text).toBe(200);
    expect(history.json.items as HistoryRecord[]).toContainEqual(
      // The note is the mail's doing, not a person's: the history's `mail` actor (SPEC §13).
      expect.objectContaining({
        actor: 'mail',
        action: 'message',
        to: 'internal',
        ref: note.messageId,
      }),
    );

    // The next ticket of the address is made, but gets no acknowledgement; an agent's
    // public reply on the first is kept on the ticket and not mailed either.
    const second = await api.submit({ email: BOUNCE, subject: 'Noch ein Problem' });
    expect(second.status).toBe('open');
    const take = await api.request('PATCH', `/tickets/${first.ticketId}`, {
      token: agent,
      body: { status: 'in_progress' },
    });
    expect(take.status, take.text).toBe(200);
    const reply = await api.request('POST', `/tickets/${first.ticketId}/messages`, {
      token: agent,
      body: { body: 'Wir haben das Problem gefunden.' },
    });
    expect(reply.status, reply.text).toBe(201);
    expect(await api.mailTo(mailsOf(second.ticketId))).toEqual([]);
    expect(await api.mailTo(mailsOf(first.ticketId))).toHaveLength(1);
    // The second ticket came after the report: nothing bounced for it, so no note.
    expect((await agentView(second.ticketId)).messages).toEqual([]);
  });

  it('a complaint suppresses the address too, and every open ticket of it gets the note once', async () => {
    const older = await api.submit({ email: 'complaint+portal@simulator.amazonses.com' });
    // Wait for the first report: the first acknowledgement goes out and is complained about.
    const olderNote = await noteOn(older.ticketId);
    expect(olderNote.body).toContain('marked our mail as spam (abuse)');
    const newer = await api.submit({ email: COMPLAINT, subject: 'Zweite Anfrage' });
    expect(await api.mailTo(mailsOf(newer.ticketId))).toEqual([]);
    // One note only, however often SES's event were delivered.
    const notes = (await agentView(older.ticketId)).messages.filter(
      (m) => m.author.name === 'mail delivery',
    );
    expect(notes).toHaveLength(1);
  });

  it('locally any address can bounce (LOCAL_SES_BOUNCE); the address is matched case-insensitively', async () => {
    const a = await api.submit({ email: 'gone@bounce-me.example' });
    const aNote = await noteOn(a.ticketId);
    expect(aNote.body).toContain('No more mail goes to gone@bounce-me.example');
    const b = await api.submit({ email: 'GONE@bounce-me.example', subject: 'Zweites' });
    expect(await api.mailTo(mailsOf(b.ticketId))).toEqual([]);
    // An address nobody listed is untouched.
    const fine = await api.submit({ email: 'fine@bounce-me.example' });
    expect(await api.mailTo(mailsOf(fine.ticketId))).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await agentView(fine.ticketId)).messages).toEqual([]);
  });

  it('a bounce notes every open ticket of the address, also one whose own mail went out fine', async () => {
    const address = 'later@bounce-me.example';
    const one = await api.submit({ email: address, subject: 'Eins' });
    expect(await api.mailTo(mailsOf(one.ticketId))).toHaveLength(1);
    // From now on the address bounces (the variable is read at each send).
    process.env.LOCAL_SES_BOUNCE += `,${address}`;
    const two = await api.submit({ email: address, subject: 'Zwei' });
    const noteOnTwo = await noteOn(two.ticketId);
    const noteOnOne = await noteOn(one.ticketId);
    expect(noteOnOne.body).toBe(noteOnTwo.body);
    for (const ticketId of [one.ticketId, two.ticketId]) {
      const notes = (await agentView(ticketId)).messages.filter(
        (m) => m.author.name === 'mail delivery',
      );
      expect(notes, ticketId).toHaveLength(1);
    }
  });
});
