import { deadlineInWords } from '../../../functions/domain/service-levels/deadline-words';
import type { Locale } from '../i18n/messages';
import type { CustomerTicket } from './api';
import { h, replaceChildren } from './dom';
import { formatDateTime } from './format';
import type { Translate } from './locale';

/**
 * Where a customer's ticket stands, in the customer's words and language: its place in the
 * queue with the estimate and what it does not promise (SPEC §10), and its service level
 * (SPEC §9). One wording for every customer page, so the status page and the portal say the
 * same thing in the same words.
 */

/** How often a waiting ticket's place is read afresh while the page is visible. */
export const QUEUE_REFRESH_MS = 30_000;

/** What the words need: the language and its translator. */
export interface Words {
  t: Translate;
  locale: Locale;
}

/** The box the place in the queue is shown in; refreshed on its own, apart from the rest. */
export function queueBox(): HTMLElement {
  return h('section', {
    className: 'queue-standing',
    attrs: { id: 'queue-standing', 'aria-labelledby': 'queue-heading', hidden: true },
  });
}

/**
 * Fills `box` with the ticket's place in the queue in plain words, the estimate as a range
 * (or that there is none yet), that it is no promise, what may overtake it, and when it was
 * read; hides the box when the ticket does not wait.
 */
export function renderQueueStanding(
  box: HTMLElement,
  shown: Pick<CustomerTicket, 'group' | 'queue'>,
  readAt: Date,
  { t, locale }: Words,
  /** The heading's level, to fit the page's outline. */
  heading: 'h2' | 'h3' = 'h2',
): void {
  const queue = shown.queue;
  if (!queue) {
    replaceChildren(box);
    box.hidden = true;
    return;
  }
  const ahead = queue.aheadContract + queue.aheadStandard;
  const counts = {
    ahead: String(ahead),
    contract: String(queue.aheadContract),
    standard: String(queue.aheadStandard),
  };
  const estimate = queue.estimatedStart;
  replaceChildren(
    box,
    h(heading, { attrs: { id: 'queue-heading' } }, t('status.queue.heading')),
    h(
      'p',
      {
        className: 'queue-position',
        attrs: { id: 'queue-position', 'data-position': String(queue.position) },
      },
      h(
        'strong',
        null,
        queue.position === 1
          ? t('status.queue.next')
          : t('status.queue.position', { position: String(queue.position) }),
      ),
      ahead > 0 ? ' ' : '',
      ahead === 1
        ? t('status.queue.aheadOne', counts)
        : ahead > 1
          ? t('status.queue.ahead', counts)
          : '',
    ),
    h(
      'p',
      { attrs: { id: 'queue-estimate' } },
      estimate
        ? `${t('status.queue.estimate', {
            earliest: formatDateTime(estimate.earliest, locale),
            latest: formatDateTime(estimate.latest, locale),
          })} ${t('status.queue.noPromise')}`
        : t('status.queue.noEstimate'),
    ),
    h(
      'p',
      { className: 'hint', attrs: { id: 'queue-overtake' } },
      shown.group === 'standard'
        ? t('status.queue.overtakeStandard')
        : t('status.queue.overtakeContract'),
    ),
    h(
      'p',
      { className: 'hint', attrs: { id: 'queue-live' } },
      t('status.queue.live', { time: formatDateTime(readAt.toISOString(), locale) }),
    ),
  );
  box.hidden = false;
}

/**
 * A contract ticket's deadlines as `<dt>`/`<dd>` pairs (SPEC §9): when we answer at the
 * latest, or when we did, or that the answer is late; by when the request should be solved,
 * or that this clock is on hold. None for a standard ticket (no entitlement).
 */
export function serviceLevelFacts(
  shown: Pick<CustomerTicket, 'sla' | 'status'>,
  { t, locale }: Words,
): HTMLElement[] {
  const sla = shown.sla;
  if (!sla) return [];
  const when = (iso: string) => deadlineInWords(iso, locale);
  const response =
    sla.firstResponseAt !== undefined
      ? `${t('status.responded')}: ${formatDateTime(sla.firstResponseAt, locale)}`
      : sla.firstResponse === 'breached'
        ? t('status.responseLate', { when: when(sla.firstResponseDue) })
        : t('status.responseDue', { when: when(sla.firstResponseDue) });
  const facts = [
    h('dt', null, t('status.serviceLevel')),
    h(
      'dd',
      null,
      h('span', { attrs: { id: 'sla-response', 'data-sla': sla.firstResponse } }, response),
    ),
  ];
  if (sla.resolvedAt === undefined && shown.status !== 'closed') {
    facts.push(
      h('dt', null, t('status.resolutionDue')),
      h(
        'dd',
        null,
        h(
          'span',
          { attrs: { id: 'sla-resolution', 'data-sla': sla.resolution } },
          sla.resolution === 'paused' ? t('status.resolutionPaused') : when(sla.resolutionDue),
        ),
      ),
    );
  }
  return facts;
}

/**
 * Calls `refresh` every {@link QUEUE_REFRESH_MS} while the page is visible and `waiting()`
 * says a ticket on it waits in the queue. Returns a function that stops it.
 */
export function refreshWhileWaiting(
  waiting: () => boolean,
  refresh: () => Promise<void>,
): () => void {
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible' && waiting()) void refresh();
  }, QUEUE_REFRESH_MS);
  return () => clearInterval(timer);
}
