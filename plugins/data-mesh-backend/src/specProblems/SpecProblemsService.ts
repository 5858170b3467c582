/*
 * The spec files the catalog could not ingest, read from the catalog itself
 * so the list is exactly as current as its processing loop:
 *
 * - a spec that never read well leaves its Location without a final entity;
 *   the catalog's unprocessed-entities module
 *   (@backstage/plugin-catalog-backend-module-unprocessed) serves those
 *   rows with their errors, asked service-to-service;
 * - a spec that read well once and broke since keeps its last good entity,
 *   and the errors are stitched into that Location's `status.items`.
 *
 * Only errors the data mesh reader put a structured issue on
 * (SPEC_PROBLEM_ERROR_FIELD) are listed; when a spec is fixed the catalog
 * drops its errors and the file leaves the list at the next read.
 */
import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { AlphaEntity } from '@backstage/catalog-model/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type SpecIssue,
  type SpecProblem,
  specProblemOfError,
} from '@datamesh/plugin-data-mesh-common';

/** One catalog entity with the serialised errors of its last processing. */
interface FailingEntity {
  entityRef: string;
  errors: unknown[];
}

/** What the unprocessed-entities module answers (only the fields read). */
interface UnprocessedResponse {
  entities?: Array<{
    entity_ref?: string | null;
    unprocessed_entity?: {
      kind?: string;
      metadata?: { name?: string; namespace?: string };
    };
    errors?: unknown[];
  }>;
}

/**
 * The row's entity ref. The module selects `*` over refresh_state left-joined
 * to final_entities, so on a pending row (no final entity) the join's null
 * `entity_ref` hides refresh_state's: the unprocessed entity names it then.
 */
export function unprocessedEntityRef(
  row: NonNullable<UnprocessedResponse['entities']>[number],
): string | undefined {
  if (row.entity_ref) return row.entity_ref;
  const { kind, metadata } = row.unprocessed_entity ?? {};
  if (!kind || !metadata?.name) return undefined;
  return stringifyEntityRef({
    kind,
    namespace: metadata.namespace ?? 'default',
    name: metadata.name,
  });
}

/** The result of one read of the catalog. */
export interface SpecProblemsSnapshot {
  items: SpecProblem[];
  checkedAt: number;
  unprocessedSource: boolean;
}

/** @public */
export interface SpecProblemsServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  logger: LoggerService;
  clock?: { now(): number };
  /**
   * How long one read of the catalog is served again (ms, default 5000):
   * the sidebar count of every open portal asks, the catalog need not.
   */
  cacheMs?: number;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

/** A full group ref for an owner as the spec writes it; undefined when it is no entity ref. */
function ownerRef(owner: string | undefined): string | undefined {
  if (!owner) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** Problems grouped by spec file, in file order; issues in the order reported. */
export function groupSpecProblems(entities: FailingEntity[]): SpecProblem[] {
  const byFile = new Map<string, SpecProblem>();
  for (const { entityRef, errors } of entities) {
    for (const error of errors) {
      const data = specProblemOfError(error);
      if (!data) continue;
      const key = `${entityRef}\u0000${data.specFile}`;
      let problem = byFile.get(key);
      if (!problem) {
        problem = { file: data.specFile, entityRef, issues: [] };
        byFile.set(key, problem);
      }
      const owner = ownerRef(data.owner);
      if (owner && !problem.owner) problem.owner = owner;
      problem.issues.push(data.issue as SpecIssue);
    }
  }
  return [...byFile.values()].sort((a, b) =>
    a.file < b.file ? -1 : Number(a.file > b.file),
  );
}

/** Reads the failing spec files from the catalog (see the file comment). */
export class SpecProblemsService {
  private readonly options: SpecProblemsServiceOptions;
  private cached?: { at: number; snapshot: Promise<SpecProblemsSnapshot> };

  constructor(options: SpecProblemsServiceOptions) {
    this.options = options;
  }

  private now() {
    return this.options.clock?.now() ?? Date.now();
  }

  /** The failing spec files, read at most `cacheMs` ago. */
  async list(): Promise<SpecProblemsSnapshot> {
    const now = this.now();
    const cacheMs = this.options.cacheMs ?? 5000;
    if (!this.cached || now - this.cached.at >= cacheMs) {
      const snapshot = this.read(now);
      this.cached = { at: now, snapshot };
      // a failed read is not served again
      snapshot.catch(() => {
        if (this.cached?.snapshot === snapshot) this.cached = undefined;
      });
    }
    return this.cached.snapshot;
  }

  private async read(now: number): Promise<SpecProblemsSnapshot> {
    const [unprocessed, located] = await Promise.all([
      this.readUnprocessed(),
      this.readLocations(),
    ]);
    return {
      items: groupSpecProblems([...(unprocessed ?? []), ...located]),
      checkedAt: now,
      unprocessedSource: unprocessed !== undefined,
    };
  }

  /**
   * Entities the catalog has no final entity for, with their errors;
   * undefined when the unprocessed-entities module is not installed or
   * does not answer (logged), so that the rest is still listed.
   */
  private async readUnprocessed(): Promise<FailingEntity[] | undefined> {
    const { auth, discovery, logger } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    try {
      const baseUrl = await discovery.getBaseUrl('catalog');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'catalog',
      });
      // `failed` (no final entity row at all) is empty on catalogs that
      // only create that row when stitching; `pending` has those rows
      const out = new Map<string, FailingEntity>();
      for (const reason of ['pending', 'failed']) {
        const res = await doFetch(`${baseUrl}/entities/unprocessed/${reason}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!res.ok) {
          throw new Error(`${reason}: HTTP ${res.status} ${res.statusText}`);
        }
        const body = (await res.json()) as UnprocessedResponse;
        for (const e of body.entities ?? []) {
          const entityRef = unprocessedEntityRef(e);
          if (!entityRef || !Array.isArray(e.errors) || !e.errors.length)
            continue;
          out.set(entityRef, { entityRef, errors: e.errors });
        }
      }
      return [...out.values()];
    } catch (e) {
      logger.warn(
        `Spec problems: the catalog's unprocessed entities could not be read (is @backstage/plugin-catalog-backend-module-unprocessed installed?): ${e}`,
      );
      return undefined;
    }
  }

  /** Locations that were ingested once and carry processing errors now. */
  private async readLocations(): Promise<FailingEntity[]> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const out: FailingEntity[] = [];
    for await (const page of catalog.streamEntities(
      {
        filter: { kind: 'Location' },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'status'],
      },
      { credentials },
    )) {
      for (const entity of page as AlphaEntity[]) {
        const errors = (entity.status?.items ?? [])
          .filter(i => i.level === 'error' && i.error)
          .map(i => i.error);
        if (errors.length) {
          out.push({ entityRef: stringifyEntityRef(entity), errors });
        }
      }
    }
    return out;
  }
}
