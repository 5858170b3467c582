/*
 * What the writers (export.ts and the export.ts of each format) share: dropping empty
 * values so that a written document has no noise its reader would not
 * write back, and display names that read back into the same identifiers.
 */
import { parseEntityRef } from '@backstage/catalog-model';
import type { IdentifierKind } from '../identifiers';
import { deriveIdentifier } from '../values';

export type Obj = Record<string, unknown>;

export function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (value !== null &&
      typeof value === 'object' &&
      Object.keys(value as Obj).length === 0)
  );
}

/** Drops undefined values, empty lists and empty objects, recursively. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(compact).filter(v => v !== undefined) as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      const c = compact(v);
      if (!isEmpty(c)) out[k] = c;
    }
    return out as T;
  }
  return value;
}

export function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/**
 * How to write a named element so that its reader gets `name` and `title`
 * back: the title alone when it derives to the name, otherwise the title
 * plus the name as an explicit identifier.
 */
export function displayName(
  name: string,
  title: string | undefined,
  what: IdentifierKind,
): { display: string; identifier?: string } {
  if (!title) return { display: name };
  return deriveIdentifier(title, what).identifier === name
    ? { display: title }
    : { display: title, identifier: name };
}

export function refName(ref: string, defaultKind: string) {
  return parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
}
