import { dependencies } from '../../functions/shared/dependencies';
import type { TestStack } from './harness';

/**
 * A history of claims for the wait estimate (SPEC §10), made the way agents make it: at
 * each instant the clock of this process's handlers (the composition root's one clock) is
 * set to it, a ticket is received and `POST /queue/claim` takes the head of the queue. The
 * local stack runs the handlers in the test's process, so they read this clock.
 */

/** Sets the clock every handler of this process reads. */
export function setClock(iso: string): void {
  dependencies().clock.now = () => new Date(iso);
}

/** Gives the handlers the real clock back. */
export function realClock(): void {
  dependencies().clock.now = () => new Date();
}

let made = 0;

/**
 * One claim at each instant (in order; the clock only moves forward), each after a low
 * ticket from a stranger was received then. Leaves the clock at the last instant.
 */
export async function claimAt(api: TestStack, agentToken: string, instants: string[]) {
  for (const at of instants) {
    setClock(at);
    await api.submit({ email: `history-${++made}@history.example`, severity: 'low' });
    const claimed = await api.request('POST', '/queue/claim', { token: agentToken });
    if (claimed.status !== 200) throw new Error(`claim at ${at}: ${claimed.status}`);
  }
}

/** `count` instants from `startIso` on, `stepMinutes` apart. */
export function everyMinutes(startIso: string, count: number, stepMinutes: number): string[] {
  const start = Date.parse(startIso);
  return Array.from({ length: count }, (_, i) =>
    new Date(start + i * stepMinutes * 60_000).toISOString(),
  );
}
