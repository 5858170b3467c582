import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Parses a request's body, query or path parameters, or answers 400 naming
 * each offending field, e.g. `Invalid request: purpose: a purpose is
 * required` (unknown keys of a strict schema are named too). Every router of
 * the plugin parses its input through this.
 */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const details = result.error.issues
      .map(i => {
        const where =
          i.path.join('.') ||
          (i.code === 'unrecognized_keys' ? i.keys.join(', ') : '');
        return `${where ? `${where}: ` : ''}${i.message}`;
      })
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return result.data;
}

/** Backstage's rule for entity names and namespaces (letters, digits, - _ .), at most 63. */
export const entityPart = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'not a valid entity name');

/** The `:namespace/:name` of a product's routes. */
export const productParams = z.object({
  namespace: entityPart,
  name: entityPart,
});
