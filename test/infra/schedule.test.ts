import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ACTIONS } from '../../lib/service-desk-function';
import { serviceDeskTemplate } from './synth';
import { actionsOf, getAttTargets, resourcesOfType, statementsOfFunction } from './template-model';

describe('the daily contract regrouping', () => {
  let template: Template;
  beforeAll(() => {
    template = serviceDeskTemplate();
  });

  it('runs at 00:05 Berlin time, not UTC', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
  });

  it('invokes the regroup-contracts job, which may read and write the table', () => {
    const [schedule] = Object.values(resourcesOfType(template, 'AWS::Scheduler::Schedule'));
    const target = schedule?.Properties?.Target as { Arn: unknown; RoleArn: unknown };
    const [functionLogicalId] = getAttTargets(target.Arn);
    expect(functionLogicalId).toMatch(/^JobsRegroupContractsFunction/);
    const actions = statementsOfFunction(template, functionLogicalId ?? '').flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining([...TABLE_ACTIONS.readwrite]));
    expect(
      resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId ?? '']?.Properties
        ?.Environment,
    ).toEqual({ Variables: expect.objectContaining({ TABLE_NAME: { Ref: 'DataTableFDBAD0F2' } }) });
  });

  it('uses a role that may invoke that function only', () => {
    const [schedule] = Object.values(resourcesOfType(template, 'AWS::Scheduler::Schedule'));
    const target = schedule?.Properties?.Target as { Arn: unknown; RoleArn: unknown };
    const [roleLogicalId] = getAttTargets(target.RoleArn);
    const [functionLogicalId] = getAttTargets(target.Arn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleLogicalId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: [
              { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
              { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionLogicalId, 'Arn'] }, ':*']] },
            ],
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }),
            },
          }),
        ],
      },
    });
  });
});
