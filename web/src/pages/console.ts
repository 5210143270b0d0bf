import { startStaffPage } from '../lib/staff';
import { refreshQueue } from './console/queue';
import { renderRecent } from './console/recent';
import { state } from './console/state';
import { openFromHash } from './console/ticket';
import { loadPriceList } from './console/work';
import { byId } from '../lib/dom';

/**
 * The agent console: the queue in priority order (refreshed every few seconds while the
 * page is visible), claim next, and one open ticket with its conversation, files (download,
 * upload; refused mail attachments with the reason), reply, severity and status, release,
 * and work logging priced from the price list. Its parts are in `console/`, sharing one
 * state object (`console/state.ts`).
 */
const REFRESH_MS = 15_000;
const panel = byId('ticket-panel');

// Last, so that everything above is ready when a restored session signs in at once.
await startStaffPage({
  group: 'agents',
  onSignedIn: (session, signedIn) => {
    state.page = signedIn;
    state.me = session.name;
    void refreshQueue();
    void loadPriceList();
    clearInterval(state.refreshTimer);
    state.refreshTimer = setInterval(() => {
      if (!document.hidden) void refreshQueue();
    }, REFRESH_MS);
    renderRecent();
    openFromHash();
  },
  onSignedOut: () => {
    clearInterval(state.refreshTimer);
    state.ticket = undefined;
    panel.hidden = true;
  },
});
