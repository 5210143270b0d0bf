import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface ServiceTopicProps {
  /** The AWS service that publishes, e.g. `ses` or `cloudwatch`. */
  readonly service: string;
  readonly displayName: string;
  readonly keyDescription: string;
  /** Statement ids of the key policy and the topic policy that let the service in. */
  readonly keySid: string;
  readonly publishSid: string;
}

/**
 * An SNS topic that one AWS service of this account publishes to: encrypted with a key of
 * its own (the AWS-managed SNS key admits no service principal), rotated, TLS only, and
 * both key and topic open to that service only when it acts for this account. Made in
 * `scope` as `TopicKey` and `Topic`.
 */
export function serviceTopic(
  scope: Construct,
  props: ServiceTopicProps,
): { topic: sns.Topic; publishPolicy: iam.AddToResourcePolicyResult } {
  const stack = Stack.of(scope);
  const principal = new iam.ServicePrincipal(`${props.service}.amazonaws.com`);
  const fromThisAccount = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': stack.formatArn({ service: props.service, resource: '*' }) },
  };
  const key = new kms.Key(scope, 'TopicKey', {
    description: props.keyDescription,
    enableKeyRotation: true,
    // Notifications are gone from the topic once delivered; nothing stays encrypted.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: props.keySid,
      principals: [principal],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: fromThisAccount,
    }),
  );
  const topic = new sns.Topic(scope, 'Topic', {
    displayName: props.displayName,
    masterKey: key,
    enforceSSL: true,
  });
  const publishPolicy = topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: props.publishSid,
      principals: [principal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromThisAccount,
    }),
  );
  return { topic, publishPolicy };
}
