import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { optional } from './config';

const cache = new Map<string, Promise<string>>();

/**
 * A secret by name: from the variable `NAME` itself (local stack, tests), else fetched once
 * per cold start from Secrets Manager by the ARN in `NAME_ARN`.
 */
export function secret(name: string): Promise<string> {
  const direct = optional(name);
  if (direct) return Promise.resolve(direct);
  const arn = optional(`${name}_ARN`);
  if (!arn) return Promise.reject(new Error(`Set ${name} or ${name}_ARN`));
  let value = cache.get(arn);
  if (!value) {
    value = new SecretsManagerClient({})
      .send(new GetSecretValueCommand({ SecretId: arn }))
      .then(({ SecretString }) => {
        if (!SecretString) throw new Error(`secret ${arn} has no string value`);
        return SecretString;
      });
    value.catch(() => cache.delete(arn));
    cache.set(arn, value);
  }
  return value;
}
