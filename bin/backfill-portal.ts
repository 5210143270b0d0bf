import { backfillPortalKeys } from '../functions/adapters/portal-backfill';
import { runBackfill } from './backfill-cli';

/**
 * `npx tsx bin/backfill-portal.ts --table <TableName> [--force]`: the one-off migration that
 * lists tickets stored before the customer portal in the portal (docs/operations.md).
 * `npm start` runs it by itself.
 */
await runBackfill('bin/backfill-portal.ts', backfillPortalKeys, 'tickets now listed in the portal');
