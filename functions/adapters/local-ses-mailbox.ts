import type { SentMailCopies } from '../app/privacy';

/** The SES stand-in's route that forgets a person's mail (bin/local/ses.ts). */
export const FORGET_PATH = '/_local/forget';

/**
 * Copies of sent mail: SES keeps none, so in AWS there is nothing to forget; the local
 * stand-in (`SES_ENDPOINT`) keeps every mail it took, as a mailbox would, and is told to
 * drop the person's (SPEC §13).
 */
export class LocalSesMailbox implements SentMailCopies {
  constructor(
    /** The stand-in's endpoint; none in AWS. */
    private readonly endpoint: string | undefined,
  ) {}

  async forget(email: string): Promise<number> {
    if (!this.endpoint) return 0;
    const response = await fetch(new URL(FORGET_PATH, this.endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    if (!response.ok) throw new Error(`The SES stand-in answered ${response.status}.`);
    const { removed } = (await response.json()) as { removed?: unknown };
    return typeof removed === 'number' ? removed : 0;
  }
}
