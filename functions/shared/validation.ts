import type { z } from 'zod';
import { ValidationError } from '../domain/errors';

/**
 * Validates a part of the request (`body`, `path`, `query`, `header`) with a zod schema; a
 * failure is a 400 that names every offending field.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'path' | 'query' | 'header',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap((issue) => {
    const path = [where, ...issue.path.map(String)];
    // One error per unknown field, each named by its own path.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, key].join('.'),
        message: 'unknown field',
      }));
    }
    return [{ field: path.join('.'), message: issue.message }];
  });
  throw new ValidationError(
    `Invalid ${where}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    errors,
  );
}
