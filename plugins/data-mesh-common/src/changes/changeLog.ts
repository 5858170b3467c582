/*
 * The vocabulary of the breaking-change gate (changes, locations, locators)
 * and the helpers every comparison uses: a log that locates each change in
 * the right version's file, matching by name, and text changes.
 */
import type { DataProductEntityV1alpha1 } from '../model';
import type { CatalogFormDataProductEntity } from '../catalogForm';
import type { DocumentPath } from '../issues';

/** @public */
export type ChangeKind = 'breaking' | 'non-breaking' | 'info';

/** Where a change is, in the author's file. @public */
export interface ChangeLocation {
  file?: string;
  line?: number;
  column?: number;
}

/** One classified change. @public */
export interface SpecChange {
  kind: ChangeKind;
  /** Stable identifier of the kind of change, e.g. `column-removed`. */
  code: string;
  /** Where in the product, by names: `datasets.visits.columns.ssn.type`. */
  path: string;
  /** What changed and, for a breaking change, why it breaks consumers. */
  message: string;
  /** In the new version's file, or the old one's for a removal. */
  location?: ChangeLocation;
}

/** Where a path of an entity is in its file (see specLocator). @public */
export type SpecLocator = (
  entityPath: DocumentPath,
) => ChangeLocation | undefined;

/** A product version: canonical or as the catalog stores it. @public */
export type ProductVersion =
  | DataProductEntityV1alpha1
  | CatalogFormDataProductEntity;

/** @public */
export interface ClassifyOptions {
  beforeLocate?: SpecLocator;
  afterLocate?: SpecLocator;
}

/** Collects changes, locating each in the right version's file. */
export class ChangeLog {
  readonly changes: SpecChange[] = [];
  constructor(private readonly options: ClassifyOptions) {}

  /** A change located in the new version (additions, modifications). */
  after(
    kind: ChangeKind,
    code: string,
    path: string,
    at: DocumentPath,
    message: string,
  ): void {
    this.add(kind, code, path, message, this.options.afterLocate?.(at));
  }

  /** A change located in the old version (removals). */
  before(
    kind: ChangeKind,
    code: string,
    path: string,
    at: DocumentPath,
    message: string,
  ): void {
    this.add(kind, code, path, message, this.options.beforeLocate?.(at));
  }

  private add(
    kind: ChangeKind,
    code: string,
    path: string,
    message: string,
    location: ChangeLocation | undefined,
  ) {
    this.changes.push({
      kind,
      code,
      path,
      message,
      ...(location ? { location } : {}),
    });
  }
}

/** Parts of a list matched by name, with their indexes in each version. */
export function matchByName<T extends { name: string }>(
  before: readonly T[] | undefined,
  after: readonly T[] | undefined,
): {
  removed: { item: T; index: number }[];
  added: { item: T; index: number }[];
  kept: { old: T; now: T; oldIndex: number; index: number }[];
} {
  const key = (item: T) => item.name.toLowerCase();
  const olds = (before ?? []).map((item, index) => ({ item, index }));
  const nows = (after ?? []).map((item, index) => ({ item, index }));
  const nowByKey = new Map(nows.map(n => [key(n.item), n]));
  const oldKeys = new Set(olds.map(o => key(o.item)));
  return {
    removed: olds.filter(o => !nowByKey.has(key(o.item))),
    added: nows.filter(n => !oldKeys.has(key(n.item))),
    kept: olds.flatMap(o => {
      const n = nowByKey.get(key(o.item));
      return n
        ? [{ old: o.item, now: n.item, oldIndex: o.index, index: n.index }]
        : [];
    }),
  };
}

export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Text fields: info when changed, located where they are now (or were). */
export function compareText(
  log: ChangeLog,
  code: string,
  path: string,
  at: DocumentPath,
  old: unknown,
  now: unknown,
  what: string,
): void {
  if (same(old, now)) return;
  if (now === undefined) {
    log.before('info', code, path, at, `${what} removed`);
  } else {
    log.after('info', code, path, at, `${what} changed`);
  }
}
