import {
  type InfrastructureDriftItem,
  type InfrastructureDriftSummaryResponse,
  type InfrastructureLeftover,
  type InfrastructureLeftoverRole,
  type LeftoverKeep,
  type InfrastructureLeftoversResponse,
  type InfrastructurePlanStep,
  type ProductInfrastructureResponse,
  INFRASTRUCTURE_STATUSES,
} from '@datamesh/plugin-data-mesh-common';

/*
 * Answers of GET /products/:namespace/:name/infrastructure for the
 * patient-encounters fixture, shaped as the backend writes them (see
 * plugins/data-mesh-backend/src/infra/router.test.ts for the real thing).
 */

const DB = 'acme_clinical_care_dev';
const ROLE = 'clinical_care_patient_encounters';

function names(exists: boolean, prefix: boolean) {
  const schema = (s: string) => ({
    name: s,
    qualified: prefix ? `"${DB}__${s}"` : `"${DB}"."${s}"`,
    exists,
  });
  const role = (r: string) => ({ name: r, qualified: `"${r}"`, exists });
  return {
    stage: 'dev',
    warehouse: prefix
      ? null
      : {
          name: 'acme_clinical_care_wh',
          qualified: '"ACME_CLINICAL_CARE_WH"',
          exists,
        },
    database: {
      name: DB,
      qualified: `"${DB}"`,
      exists: prefix ? null : exists,
    },
    schemas: {
      raw: schema('patient_encounters_raw'),
      intermediate: schema('patient_encounters_intermediates'),
      output: schema('patient_encounters_output'),
    },
    roles: {
      consumer: role(`${ROLE}_consumer`),
      service: role(`${ROLE}_service`),
      owner: role(`${ROLE}_owner`),
    },
  };
}

function step(
  kind: InfrastructurePlanStep['kind'],
  line: string,
  change: InfrastructurePlanStep['change'],
): InfrastructurePlanStep {
  return {
    kind,
    action: change.action,
    line,
    destructive: kind === 'revoke' || kind === 'drop',
    sql: [],
    change,
  };
}

function base(
  overrides: Partial<ProductInfrastructureResponse>,
  options: { exists: boolean; snowflake?: boolean },
): ProductInfrastructureResponse {
  const prefix = !options.snowflake;
  return {
    entityRef: 'dataproduct:default/patient-encounters',
    status: 'in-sync',
    inSync: true,
    warehouse: prefix
      ? {
          type: 'pglite',
          dialect: 'pglite',
          displayName: 'PGlite',
          compute: false,
          databases: 'schema-prefix',
        }
      : {
          type: 'snowflake',
          dialect: 'snowflake',
          displayName: 'Snowflake',
          compute: true,
          databases: 'native',
        },
    checkedAt: '2026-03-02T10:15:00.000Z',
    declared: {
      names: names(options.exists, prefix),
      infrastructure: {
        stage: 'dev',
        platform: prefix ? 'pglite' : 'snowflake',
        database: DB,
        schema: 'patient_encounters_output',
        roles: {
          consumer: `${ROLE}_consumer`,
          service: `${ROLE}_service`,
          owner: `${ROLE}_owner`,
        },
      },
      objects: {
        computes: [],
        databases: [],
        schemas: [],
        roles: [],
        memberships: [],
        grants: [],
      },
    },
    actual: {
      objects: {
        computes: [],
        databases: [],
        schemas: [],
        roles: [],
        memberships: [],
        grants: [],
      },
      queries: 2,
    },
    drift: {
      lines: ['no changes: the warehouse matches the declared state'],
      steps: [],
      destructive: [],
    },
    notes: [],
    conflicts: [],
    issues: [],
    ...overrides,
  };
}

export function inSyncInfrastructure(
  options: { snowflake?: boolean } = {},
): ProductInfrastructureResponse {
  return base({}, { exists: true, ...options });
}

export const REGRANT_LINE = `+ grant usage on schema "${DB}__patient_encounters_output" to "${ROLE}_consumer"`;
export const REVOKE_LINE = `- revoke usage on schema "${DB}__patient_encounters_output" from PUBLIC`;

/** An out-of-band REVOKE (repaired by a grant) and a stranger's grant (a destructive revoke). */
export function driftedInfrastructure(): ProductInfrastructureResponse {
  const target = {
    type: 'schema',
    database: DB,
    schema: 'patient_encounters_output',
  };
  return base(
    {
      status: 'drift',
      inSync: false,
      drift: {
        lines: [
          REGRANT_LINE,
          'destructive steps (run only when explicitly allowed):',
          REVOKE_LINE,
        ],
        steps: [
          step('grant', REGRANT_LINE, {
            action: 'grant',
            target,
            privileges: ['usage'],
            grantee: `${ROLE}_consumer`,
          }),
        ],
        destructive: [
          step('revoke', REVOKE_LINE, {
            action: 'revoke',
            target,
            privileges: ['usage'],
            grantee: 'PUBLIC',
          }),
        ],
      },
    },
    { exists: true },
  );
}

export const CREATE_ROLE_LINE = `+ create role "${ROLE}_consumer"`;

export function notProvisionedInfrastructure(): ProductInfrastructureResponse {
  return base(
    {
      status: 'not-provisioned',
      inSync: false,
      drift: {
        lines: [
          CREATE_ROLE_LINE,
          `+ create schema "${DB}__patient_encounters_raw" owner "${ROLE}_owner"`,
        ],
        steps: [
          step('create', CREATE_ROLE_LINE, {
            action: 'create-role',
            role: { name: `${ROLE}_consumer` },
          }),
        ],
        destructive: [],
      },
    },
    { exists: false },
  );
}

export function invalidInfrastructure(): ProductInfrastructureResponse {
  const r = base(
    {
      status: 'invalid',
      inSync: false,
      drift: { lines: [], steps: [], destructive: [] },
      notes: [],
      issues: [
        {
          severity: 'error',
          path: 'spec.domain',
          message:
            'dataproduct:default/patient-encounters: domain "Clinical Care" must start with a lowercase letter',
        },
      ],
    },
    { exists: false },
  );
  delete r.declared;
  delete r.actual;
  return r;
}

export function conflictInfrastructure(): ProductInfrastructureResponse {
  return base(
    {
      status: 'conflict',
      inSync: false,
      drift: {
        lines: [
          `! conflict: role ${ROLE}_owner already exists and belongs to dataproduct:default/other, not dataproduct:default/patient-encounters`,
        ],
        steps: [],
        destructive: [],
      },
      conflicts: [
        {
          object: { kind: 'role', name: `${ROLE}_owner` },
          message: `role ${ROLE}_owner already exists and belongs to dataproduct:default/other, not dataproduct:default/patient-encounters`,
        },
      ],
    },
    { exists: true },
  );
}

/** The embedded warehouse, as the fleet-wide answers describe it. */
const EMBEDDED = {
  type: 'pglite',
  dialect: 'pglite',
  displayName: 'PGlite',
  compute: false,
  databases: 'schema-prefix',
} as const;

/** GET /infrastructure/drift on the embedded warehouse: `items` (worst first), counted. */
export function driftSummary(
  items: InfrastructureDriftItem[],
  queries = 4,
): InfrastructureDriftSummaryResponse {
  return {
    warehouse: EMBEDDED,
    checkedAt: '2026-12-05T10:00:00.000Z',
    queries,
    total: items.length,
    counts: Object.fromEntries(
      INFRASTRUCTURE_STATUSES.map(s => [
        s,
        items.filter(i => i.status === s).length,
      ]),
    ) as InfrastructureDriftSummaryResponse['counts'],
    items,
  };
}

/** `GET /infrastructure/leftovers` on the embedded warehouse, answering `items` and `roles`. */
export function leftoversAnswer(
  items: InfrastructureLeftover[],
  roles: InfrastructureLeftoverRole[] = [],
  kept: LeftoverKeep[] = [],
): InfrastructureLeftoversResponse {
  return {
    warehouse: EMBEDDED,
    checkedAt: '2026-12-05T10:00:00.000Z',
    queries: 1,
    items,
    roles,
    kept,
  };
}
