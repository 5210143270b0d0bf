import { Annotations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/** How the stack comes by the SES identity of the support address's domain. */
export type EmailIdentityMode = 'create' | 'existing';

/**
 * The deployment's mail settings: who the mail is from, what it says, where its links
 * point, who finance is and how received mail comes in. Read from CDK context (cdk.json or `-c key=value`), see {@link MAIL_CONTEXT_KEYS}.
 */
export interface MailSettings {
  /** The address mail is sent from and replied to; its domain is the SES identity. */
  readonly supportAddress: string;
  /**
   * The display name in the From header.
   * @default 'Support' (the mailer's own default)
   */
  readonly supportName?: string;
  /** The phone number the acknowledgement gives standard customers for sales questions. */
  readonly salesPhone: string;
  /** Where the customer pages are served; status links in mail start with it (https only). */
  readonly publicUrl: string;
  /**
   * `create`: the stack creates the SES domain identity (Easy DKIM; publish its DNS records).
   * `existing`: the domain is already a verified identity in the account and region, so the
   * stack only refers to it (CloudFormation cannot create an identity that exists).
   * @default 'create'
   */
  readonly emailIdentity?: EmailIdentityMode;
  /**
   * Where the monthly finance notice (where the billing export is) goes.
   * @default the support address (the mailer's own fallback)
   */
  readonly financeAddress?: string;
  /**
   * The agents' team address SLA escalations go to (`AGENT_TEAM_ADDRESS`); never the support
   * address itself, which would turn each escalation into a ticket.
   * @default `agents@` the support address's domain (the mailer's own fallback)
   */
  readonly agentTeamAddress?: string;
  /**
   * How received mail reaches the intake. `create`: the stack creates an SES receipt rule
   * set and makes it the active one (an account and region has one active set). Any other
   * value names a receipt rule set that already exists and is active, e.g. one other mail
   * of the domain is received by: the stack adds its rule to it and activates nothing.
   * @default 'create'
   */
  readonly receiptRuleSet?: string;
  /**
   * Acknowledgements per normalised mailbox and sliding hour (`ACK_LIMIT_MAILBOX`).
   * @default '5' (the mailer's own default)
   */
  readonly ackLimitMailbox?: string;
  /** Acknowledgements per mail domain and sliding hour (`ACK_LIMIT_DOMAIN`). @default '50' */
  readonly ackLimitDomain?: string;
  /** Acknowledgements per form client address and sliding hour (`ACK_LIMIT_CLIENT`). @default '20' */
  readonly ackLimitClient?: string;
}

/** The acknowledgement limits and the mailer variables they set. */
const ACK_LIMITS = {
  ackLimitMailbox: 'ACK_LIMIT_MAILBOX',
  ackLimitDomain: 'ACK_LIMIT_DOMAIN',
  ackLimitClient: 'ACK_LIMIT_CLIENT',
} as const;

/** The context keys the settings are read from. */
export const MAIL_CONTEXT_KEYS: Readonly<Record<keyof MailSettings, string>> = {
  supportAddress: 'servicedesk:supportAddress',
  supportName: 'servicedesk:supportName',
  salesPhone: 'servicedesk:salesPhone',
  publicUrl: 'servicedesk:publicUrl',
  emailIdentity: 'servicedesk:emailIdentity',
  financeAddress: 'servicedesk:financeAddress',
  agentTeamAddress: 'servicedesk:agentTeamAddress',
  receiptRuleSet: 'servicedesk:receiptRuleSet',
  ackLimitMailbox: 'servicedesk:ackLimitMailbox',
  ackLimitDomain: 'servicedesk:ackLimitDomain',
  ackLimitClient: 'servicedesk:ackLimitClient',
};

/** Domains reserved for documentation and tests (RFC 2606, RFC 6761): placeholders only. */
const RESERVED_DOMAIN = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/i;

/**
 * The mail settings from the construct tree's context, checked at synth: a missing or
 * malformed value fails the synth instead of the first mail. Placeholder domains (the ones
 * in cdk.json) synthesize, with a warning, so that `cdk synth` works out of the box.
 */
export function mailSettingsFromContext(scope: Construct): MailSettings {
  const read = (key: keyof MailSettings): string | undefined => {
    let value: unknown = scope.node.tryGetContext(MAIL_CONTEXT_KEYS[key]);
    if (value === undefined || value === null) return undefined;
    // The limits may be written as numbers in cdk.json.
    if (key in ACK_LIMITS && typeof value === 'number') value = String(value);
    if (typeof value !== 'string') {
      throw new Error(`Context ${MAIL_CONTEXT_KEYS[key]} must be a string.`);
    }
    return value.trim() === '' ? undefined : value.trim();
  };
  const required = (key: keyof MailSettings): string => {
    const value = read(key);
    if (value === undefined) {
      throw new Error(
        `Missing context ${MAIL_CONTEXT_KEYS[key]}: set it in cdk.json or pass ` +
          `-c ${MAIL_CONTEXT_KEYS[key]}=… (see README, "Deploying to AWS").`,
      );
    }
    return value;
  };
  const supportName = read('supportName');
  const financeAddress = read('financeAddress');
  const agentTeamAddress = read('agentTeamAddress');
  const settings: MailSettings = {
    supportAddress: required('supportAddress'),
    salesPhone: required('salesPhone'),
    publicUrl: required('publicUrl'),
    emailIdentity: emailIdentityMode(read('emailIdentity')),
    receiptRuleSet: read('receiptRuleSet') ?? 'create',
    ...(supportName === undefined ? {} : { supportName }),
    ...(financeAddress === undefined ? {} : { financeAddress }),
    ...(agentTeamAddress === undefined ? {} : { agentTeamAddress }),
    ...Object.fromEntries(
      (Object.keys(ACK_LIMITS) as (keyof typeof ACK_LIMITS)[])
        .map((key) => [key, read(key)] as const)
        .filter(([, value]) => value !== undefined),
    ),
  };
  validateMailSettings(settings);
  if (RESERVED_DOMAIN.test(mailDomainOf(settings.supportAddress))) {
    Annotations.of(scope).addWarningV2(
      'servicedesk:placeholderMailSettings',
      `${MAIL_CONTEXT_KEYS.supportAddress} is the placeholder ${settings.supportAddress}: ` +
        'set your own support address, finance address, sales phone and public URL before ' +
        'deploying.',
    );
  }
  return settings;
}

function emailIdentityMode(value: string | undefined): EmailIdentityMode {
  if (value === undefined || value === 'create' || value === 'existing') return value ?? 'create';
  throw new Error(`Context ${MAIL_CONTEXT_KEYS.emailIdentity} is "create" or "existing".`);
}

/** Throws on settings the mailer could not work with (plain strings, no tokens). */
export function validateMailSettings(settings: MailSettings): void {
  const { supportAddress, salesPhone, publicUrl, financeAddress, receiptRuleSet } = settings;
  for (const key of Object.keys(ACK_LIMITS) as (keyof typeof ACK_LIMITS)[]) {
    const value = settings[key];
    if (value !== undefined && !/^[1-9][0-9]{0,5}$/.test(value)) {
      throw new Error(`${MAIL_CONTEXT_KEYS[key]} is a whole number of at least 1, not "${value}".`);
    }
  }
  mailDomainOf(supportAddress);
  if (financeAddress !== undefined && domainOf(financeAddress) === undefined) {
    throw new Error(`The finance address "${financeAddress}" is not an address.`);
  }
  const { agentTeamAddress } = settings;
  if (agentTeamAddress !== undefined) {
    if (domainOf(agentTeamAddress) === undefined) {
      throw new Error(`The agent team address "${agentTeamAddress}" is not an address.`);
    }
    if (agentTeamAddress.toLowerCase() === supportAddress.toLowerCase()) {
      throw new Error(
        'The agent team address must not be the support address: escalations would come back as tickets.',
      );
    }
  }
  if (receiptRuleSet !== undefined && !RULE_SET_NAME.test(receiptRuleSet)) {
    throw new Error(
      `The receipt rule set "${receiptRuleSet}" is "create" or the name of an existing rule ` +
        'set (letters, digits, "_", "-" and ".", at most 64).',
    );
  }
  if (!/^\+?[0-9][0-9 ()/.-]{3,}[0-9]$/.test(salesPhone)) {
    throw new Error(`The sales phone "${salesPhone}" is not a phone number.`);
  }
  if (!URL.canParse(publicUrl) || new URL(publicUrl).protocol !== 'https:') {
    throw new Error(`The public URL "${publicUrl}" is not an https:// URL.`);
  }
}

/** The domain of a mail address: the SES identity mail from that address is sent as. */
export function mailDomainOf(address: string): string {
  const domain = domainOf(address);
  if (domain === undefined) throw new Error(`The support address "${address}" is not an address.`);
  return domain;
}

/** The lower-case domain of a bare mail address, or undefined when it is none. */
function domainOf(address: string): string | undefined {
  return /^[^\s@<>"]+@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})$/
    .exec(address)?.[1]
    ?.toLowerCase();
}

/** SES receipt rule set names: alphanumeric at both ends, `_`, `-` and `.` inside, ≤ 64. */
const RULE_SET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?$/;

/** The mailer's environment variables for these settings (functions/shared/dependencies.ts). */
export function mailEnvironment(settings: MailSettings): Record<string, string> {
  return {
    SUPPORT_ADDRESS: settings.supportAddress,
    SALES_PHONE: settings.salesPhone,
    PUBLIC_URL: settings.publicUrl,
    ...(settings.supportName === undefined ? {} : { SUPPORT_NAME: settings.supportName }),
    ...(settings.financeAddress === undefined ? {} : { FINANCE_ADDRESS: settings.financeAddress }),
    ...(settings.agentTeamAddress === undefined
      ? {}
      : { AGENT_TEAM_ADDRESS: settings.agentTeamAddress }),
    ...Object.fromEntries(
      (Object.keys(ACK_LIMITS) as (keyof typeof ACK_LIMITS)[])
        .filter((key) => settings[key] !== undefined)
        .map((key) => [ACK_LIMITS[key], settings[key] as string]),
    ),
  };
}
