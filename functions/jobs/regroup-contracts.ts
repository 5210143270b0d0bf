import { regroupContractBoundaries } from '../app/manage-customers';
import { dependencies } from '../shared/dependencies';
import { jobHandler } from '../shared/job-handler';
import { log } from '../shared/log';

/**
 * Daily, just after midnight Europe/Berlin: customers whose contract starts or ends today
 * get their waiting tickets moved to the new group.
 */
export const handler = jobHandler(
  'regroup-contracts',
  async (): Promise<{ movedTickets: number }> => {
    const movedTickets = await regroupContractBoundaries(dependencies());
    log('INFO', 'contract boundaries applied', { movedTickets });
    return { movedTickets };
  },
);
