import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { EmailIdentityMode } from './mail-settings';
import { OutboxQueue } from './outbox-queue';
import { TicketTable } from './ticket-table';

/** Options for {@link ServiceDeskData}. */
export interface ServiceDeskDataProps {
  /** The domain of the support address, which mail is sent from. */
  readonly mailDomain: string;
  /**
   * Whether the stack creates the domain's SES identity or refers to one already verified
   * in the account and region.
   * @default 'create'
   */
  readonly emailIdentity?: EmailIdentityMode;
}

/**
 * The stateful part of the service desk: what holds records and must survive any deploy
 * of the code. Construct ids here fix the resources' logical ids; renaming one replaces
 * the resource, so they stay as they are.
 */
export class ServiceDeskData extends Construct {
  /** Tickets, customers, contracts, lookups and counters (single-table design). */
  readonly table: TicketTable;
  /** Mail events waiting for the mailer, and the dead-letter queue of those that failed. */
  readonly outbox: OutboxQueue;
  /**
   * The SES identity of the mail domain. A created one carries DKIM keys whose DNS records
   * have been published, so it stays here, apart from the code.
   */
  readonly emailIdentity: ses.IEmailIdentity;

  constructor(scope: Construct, id: string, props: ServiceDeskDataProps) {
    super(scope, id);
    this.table = new TicketTable(this, 'Table');
    this.outbox = new OutboxQueue(this, 'Outbox');
    this.emailIdentity =
      (props.emailIdentity ?? 'create') === 'create'
        ? new ses.EmailIdentity(this, 'MailIdentity', {
            identity: ses.Identity.domain(props.mailDomain),
            dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
          })
        : ses.EmailIdentity.fromEmailIdentityName(this, 'MailIdentity', props.mailDomain);
  }
}
