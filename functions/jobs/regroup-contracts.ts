import { regroupContractBoundaries } from '../app/manage-customers';
import { dependencies } from '../shared/dependencies';

/**
 * Daily, just after midnight Europe/Berlin: customers whose contract starts or ends today
 * get their waiting tickets moved to the new group.
 */
export async function handler(): Promise<{ movedTickets: number }> {
  const movedTickets = await regroupContractBoundaries(dependencies());
  console.log(
    JSON.stringify({ level: 'INFO', message: 'contract boundaries applied', movedTickets }),
  );
  return { movedTickets };
}
