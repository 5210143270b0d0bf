import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  MAIL_CONTEXT_KEYS,
  mailDomainOf,
  mailEnvironment,
  mailSettingsFromContext,
  type MailSettings,
} from '../../lib/mail-settings';
import { ServiceDeskStack } from '../../lib/service-desk-stack';
import { CDK_CONTEXT } from './synth';

/** The context of cdk.json with some mail settings replaced (undefined: removed). */
function contextWith(overrides: Partial<Record<keyof MailSettings, string | undefined>>) {
  const replaced = new Map(
    Object.entries(overrides).map(([key, value]) => [
      MAIL_CONTEXT_KEYS[key as keyof MailSettings],
      value,
    ]),
  );
  return Object.fromEntries([
    ...Object.entries(CDK_CONTEXT).filter(([key]) => !replaced.has(key)),
    ...[...replaced].filter(([, value]) => value !== undefined),
    ['aws:cdk:bundling-stacks', []],
  ]) as Record<string, unknown>;
}

function settingsFrom(overrides: Partial<Record<keyof MailSettings, string | undefined>>) {
  const stack = new Stack(new App({ context: contextWith(overrides) }), 'Settings');
  // A template without resources fails CloudFormation's own validation at synth.
  new CfnWaitConditionHandle(stack, 'AnyResource');
  return { stack, settings: mailSettingsFromContext(stack) };
}

/** Not a real deployment's values: a reserved-for-private-use domain (.internal). */
const OWN = {
  supportAddress: 'help@desk.acme.internal',
  salesPhone: '+49 30 0000000',
  publicUrl: 'https://desk.acme.internal/',
};

describe('the mail settings from context', () => {
  it("are cdk.json's placeholders, which synthesize with a warning", () => {
    const { stack, settings } = settingsFrom({});
    expect(mailDomainOf(settings.supportAddress)).toMatch(/^example\.(com|org|net)$/);
    expect(new URL(settings.publicUrl).hostname).toMatch(/example\.(com|org|net)$/);
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp(
        `^${MAIL_CONTEXT_KEYS.supportAddress} is the placeholder ${settings.supportAddress}: ` +
          'set your own support address, finance address, sales phone and public URL before ' +
          'deploying',
      ),
    );
  });

  it('take values from the command line (-c) without a warning', () => {
    const { stack, settings } = settingsFrom(OWN);
    expect(settings).toMatchObject({ ...OWN, emailIdentity: 'create', receiptRuleSet: 'create' });
    expect(Annotations.fromStack(stack).findWarning('*', {})).toEqual([]);
  });

  it.each([
    [{ supportAddress: undefined }, /Missing context servicedesk:supportAddress/],
    [{ salesPhone: undefined }, /Missing context servicedesk:salesPhone/],
    [{ salesPhone: '  ' }, /Missing context servicedesk:salesPhone/],
    [{ publicUrl: undefined }, /Missing context servicedesk:publicUrl/],
    [{ supportAddress: 'support' }, /not an address/],
    [{ supportAddress: 'Support <support@example.com>' }, /not an address/],
    [{ salesPhone: 'call us' }, /not a phone number/],
    [{ publicUrl: 'http://desk.example.com' }, /not an https:\/\/ URL/],
    [{ publicUrl: 'desk.example.com' }, /not an https:\/\/ URL/],
    [{ emailIdentity: 'import' }, /"create" or "existing"/],
    [{ financeAddress: 'finance' }, /finance address "finance" is not an address/],
    [{ agentTeamAddress: 'agents' }, /agent team address "agents" is not an address/],
    [{ agentTeamAddress: 'Support@Example.com' }, /must not be the support address/],
    [{ receiptRuleSet: 'my rules' }, /"create" or the name of an existing rule set/],
    [{ receiptRuleSet: '-rules' }, /"create" or the name of an existing rule set/],
  ])('refuse %o at synth', (overrides, message) => {
    expect(() => settingsFrom(overrides)).toThrow(message);
  });

  it('leave the sender name and finance address to the mailer when none is set', () => {
    const { settings } = settingsFrom({
      ...OWN,
      supportName: undefined,
      financeAddress: undefined,
    });
    expect(mailEnvironment(settings)).toEqual({
      SUPPORT_ADDRESS: OWN.supportAddress,
      SALES_PHONE: OWN.salesPhone,
      PUBLIC_URL: OWN.publicUrl,
    });
  });

  it('give the mailer the finance address (FINANCE_ADDRESS) when one is set', () => {
    const { settings } = settingsFrom({ ...OWN, financeAddress: 'billing@acme.internal' });
    expect(mailEnvironment(settings)).toMatchObject({ FINANCE_ADDRESS: 'billing@acme.internal' });
  });

  it('give the mailer the agent team address (AGENT_TEAM_ADDRESS) when one is set', () => {
    const { settings } = settingsFrom({ ...OWN, agentTeamAddress: 'team@acme.internal' });
    expect(mailEnvironment(settings)).toMatchObject({ AGENT_TEAM_ADDRESS: 'team@acme.internal' });
  });

  it('give the mailer the acknowledgement limits (ACK_LIMIT_*) when set, and refuse nonsense', () => {
    const { settings } = settingsFrom({
      ...OWN,
      ackLimitMailbox: '3',
      ackLimitDomain: '40',
      ackLimitClient: '15',
    });
    expect(mailEnvironment(settings)).toMatchObject({
      ACK_LIMIT_MAILBOX: '3',
      ACK_LIMIT_DOMAIN: '40',
      ACK_LIMIT_CLIENT: '15',
    });
    expect(mailEnvironment(settingsFrom(OWN).settings)).not.toHaveProperty('ACK_LIMIT_MAILBOX');
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => settingsFrom({ ...OWN, ackLimitDomain: bad })).toThrow(
        /servicedesk:ackLimitDomain is a whole number/,
      );
    }
  });

  it('name an existing receipt rule set by its name', () => {
    const { settings } = settingsFrom({ ...OWN, receiptRuleSet: 'acme-inbound.v2' });
    expect(settings.receiptRuleSet).toBe('acme-inbound.v2');
  });
});

describe('an SES identity that already exists', () => {
  it('is referred to, not created, and still the only one the mailer may send as', () => {
    const app = new App({ context: contextWith({ ...OWN, emailIdentity: 'existing' }) });
    const stack = new ServiceDeskStack(app, 'Existing');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':identity/desk.acme.internal"');
    expect(policies).not.toMatch(/:identity\/\*/);
  });
});
