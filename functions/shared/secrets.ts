import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { integer, optional } from './config';
import { instrumented } from './instrumentation';

let client: SecretsManagerClient | undefined;
const cache = new Map<string, { value: Promise<string>; fetchedAt: number }>();

/**
 * A secret by name: from the variable `NAME` itself (local stack, tests), else fetched from
 * Secrets Manager by the ARN in `NAME_ARN` and kept `SECRET_MAX_AGE_SECONDS` (300): a
 * rotated secret is in use everywhere within five minutes, without a deployment
 * (docs/operations.md).
 */
export function secret(name: string): Promise<string> {
  const direct = optional(name);
  if (direct) return Promise.resolve(direct);
  const arn = optional(`${name}_ARN`);
  if (!arn) return Promise.reject(new Error(`Set ${name} or ${name}_ARN`));
  const maxAgeMs = integer('SECRET_MAX_AGE_SECONDS', 300) * 1000;
  const cached = cache.get(arn);
  let value = cached && Date.now() - cached.fetchedAt < maxAgeMs ? cached.value : undefined;
  if (!value) {
    client ??= instrumented(new SecretsManagerClient({}));
    value = client.send(new GetSecretValueCommand({ SecretId: arn })).then(({ SecretString }) => {
      if (!SecretString) throw new Error(`secret ${arn} has no string value`);
      return SecretString;
    });
    value.catch(() => cache.delete(arn));
    cache.set(arn, { value, fetchedAt: Date.now() });
  }
  return value;
}
