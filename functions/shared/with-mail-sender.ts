import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesMailSender } from '../adapters/ses-mail-sender';
import type { MailSender } from '../app/mail-ports';
import { addPart, mailSettings, region } from './dependencies';
import { optional } from './config';
import { instrumented } from './instrumentation';

/**
 * `deps` with the SES sender (`SES_ENDPOINT` for the local stand-in). Only the mailer
 * imports this module, so only it bundles the SES client and the MIME composer.
 */
export function withMailSender<T extends object>(deps: T): T & { sender: MailSender } {
  return addPart(deps, 'sender', () => {
    const endpoint = optional('SES_ENDPOINT');
    return new SesMailSender(
      // Adaptive retries: the client slows its own sending when SES throttles it.
      instrumented(
        new SESv2Client({
          ...(endpoint ? { endpoint } : {}),
          retryMode: 'adaptive',
          maxAttempts: 5,
        }),
      ),
      region(),
      mailSettings().supportName,
      optional('SES_CONFIGURATION_SET'),
    );
  });
}
