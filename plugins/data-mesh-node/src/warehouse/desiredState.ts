/*
 * DataProduct entities + platform config -> the warehouse objects they need.
 *
 * Pure and dialect-neutral: the same desired state is planned against
 * PostgreSQL, PGlite and Snowflake. Problems are returned as located issues
 * (path inside the entity), never thrown, and a product with a problem adds
 * no objects at all — half a product's roles would be worse than none.
 */
import {
  type DataProductEntityV1alpha1,
  type SpecIssue,
  POSTGRES_MAX_IDENTIFIER_BYTES,
  personalDataColumns,
  toSqlName,
  validateIdentifier,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  renderNameTemplate,
  validatePlatformConfig,
} from './platform';
import type { MaskedColumn, MaskingStyle } from './masking';
import {
  type DesiredState,
  type Privilege,
  type PrivilegeGrant,
  type ProductLayer,
  type ProductRoleKind,
  type ProvisionedProduct,
  type SchemaRef,
  PRODUCT_LAYERS,
  PRODUCT_ROLE_KINDS,
} from './types';

/** @public */
export interface DesiredStateOptions {
  /** How the warehouse masks PII columns (the adapter's `capabilities.masking`); default `masked-views`. */
  masking?: MaskingStyle;
}

/** The `{role}` token of the PII consumer role. @public */
export const PII_ROLE_KIND = 'consumer_pii';

/**
 * The default `{layer}` token of the masked-views schema (`layers.masked`).
 * A layer of its own rather than a suffix of the output layer's name: with
 * PGlite's database prefix, `<db>__<product>_output_masked` passes 63
 * characters for product names the other layers still fit.
 * @public
 */
export const DEFAULT_MASKED_LAYER = 'masked';

/** @public */
export interface DesiredStateResult {
  /** Present iff there is no error-severity issue. */
  desired?: DesiredState;
  issues: SpecIssue[];
}

/** Read/write privileges on tables, the service role's set. @public */
export const WRITE_PRIVILEGES: Privilege[] = [
  'select',
  'insert',
  'update',
  'delete',
  'truncate',
];

/** Comment marker that ties a warehouse object to its product. @public */
export function managedByMarker(entityRef: string): string {
  return `datamesh:${entityRef}`;
}

/** The entity ref a marker names, or undefined if the comment is not one of ours. @public */
export function parseManagedByMarker(comment?: string): string | undefined {
  const m = /^datamesh:(.+)$/.exec(comment ?? '');
  return m ? m[1] : undefined;
}

/**
 * How the comment of every database the platform makes begins (a domain's
 * at a stage), by which adapters find them again. @public
 */
export const PLATFORM_DATABASE_COMMENT = 'datamesh database';

/** `domain:default/sales` or `sales` → `sales`. */
function refName(ref: string): string {
  const afterKind = ref.includes(':') ? ref.slice(ref.indexOf(':') + 1) : ref;
  return afterKind.includes('/')
    ? afterKind.slice(afterKind.lastIndexOf('/') + 1)
    : afterKind;
}

/** The entity ref the platform uses for a product, e.g. `dataproduct:default/orders`. @public */
export function productEntityRef(entity: DataProductEntityV1alpha1): string {
  return `dataproduct:${entity.metadata.namespace ?? 'default'}/${
    entity.metadata.name
  }`;
}

const SQL_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Compute the desired warehouse objects of some products.
 *
 * Per domain: one compute. Per organisation-domain-stage: one database. Per
 * product: a schema per layer (raw and intermediate private, output
 * org-public), owned by the product's owner role; roles consumer, service
 * and owner with the hierarchy consumer → service → owner (→ parent role);
 * grants so that the consumer reads the output layer only, the service role
 * reads and writes every layer, and tables created later are covered too.
 * @public
 */
export function computeDesiredState(
  products: DataProductEntityV1alpha1[],
  platform: PlatformConfig,
  options: DesiredStateOptions = {},
): DesiredStateResult {
  const masking = options.masking ?? 'masked-views';
  const issues: SpecIssue[] = [];
  const configProblems = validatePlatformConfig(platform);
  if (configProblems.length > 0) {
    return {
      issues: configProblems.map(message => ({
        severity: 'error',
        path: 'dataMesh.provisioning',
        message,
      })),
    };
  }

  const state: DesiredState = {
    computes: [],
    databases: [],
    schemas: [],
    roles: [],
    memberships: [],
    grants: [],
    products: [],
    parentRole: platform.parentRole,
    masks: [],
    masking,
  };
  const computeSeen = new Set<string>();
  const databaseSeen = new Set<string>();
  // name -> entity ref, to catch two products composing the same name
  const roleOwners = new Map<string, string>();
  const schemaOwners = new Map<string, string>();

  const refsSeen = new Set<string>();
  for (const entity of products) {
    const ref = productEntityRef(entity);
    // the same product listed twice (e.g. from two locations) is one product
    if (refsSeen.has(ref)) continue;
    refsSeen.add(ref);
    const file = entity.metadata.annotations?.['backstage.io/source-location'];
    const productIssues: SpecIssue[] = [];
    const issue = (path: string, message: string) =>
      productIssues.push({
        severity: 'error',
        file,
        path,
        message: `${ref}: ${message}`,
      });

    const productName = entity.metadata.name;
    const productProblem = validateIdentifier(productName, 'product');
    if (productProblem) issue('metadata.name', productProblem);
    const domainName = refName(entity.spec?.domain ?? '');
    const domainProblem = validateIdentifier(domainName, 'domain');
    if (domainProblem) issue('spec.domain', domainProblem);
    const stage = entity.spec?.infrastructure?.stage ?? platform.defaultStage;
    if (!platform.stages.includes(stage)) {
      issue(
        'spec.infrastructure.stage',
        `stage '${String(
          stage,
        )}' is not one of the platform's stages (${platform.stages.join(
          ', ',
        )})`,
      );
    }
    if (productIssues.length > 0) {
      issues.push(...productIssues);
      continue;
    }

    const values = {
      org: toSqlName(platform.organization),
      domain: toSqlName(domainName),
      stage: toSqlName(stage),
      product: toSqlName(productName),
    };
    const name = (
      what: string,
      path: string,
      template: string,
      extra: Record<string, string> = {},
    ) => {
      const composed = renderNameTemplate(template, { ...values, ...extra });
      if (!SQL_NAME.test(composed)) {
        issue(
          path,
          `${what} name '${composed}' is not a plain lowercase SQL identifier`,
        );
      } else if (composed.length > POSTGRES_MAX_IDENTIFIER_BYTES) {
        issue(
          path,
          `${what} name '${composed}' is ${
            composed.length
          } characters long; at most ${POSTGRES_MAX_IDENTIFIER_BYTES} fit every warehouse (shorten the ${
            path === 'spec.domain' ? 'domain' : 'product'
          } name or the naming template)`,
        );
      }
      return composed;
    };

    const compute = name('compute', 'spec.domain', platform.naming.compute);
    const database = name('database', 'spec.domain', platform.naming.database);
    const schemas = Object.fromEntries(
      PRODUCT_LAYERS.map(layer => [
        layer,
        name('schema', 'metadata.name', platform.naming.schema, {
          layer: platform.layers[layer],
        }),
      ]),
    ) as Record<ProductLayer, string>;
    const roles = Object.fromEntries(
      PRODUCT_ROLE_KINDS.map(kind => [
        kind,
        name('role', 'metadata.name', platform.naming.role, { role: kind }),
      ]),
    ) as Record<ProductRoleKind, string>;
    // Personal data in any dataset: a PII consumer role, and (masked views)
    // a schema of masked views for the plain consumer.
    const piiColumns = personalDataColumns(entity);
    const piiRole =
      piiColumns.length > 0
        ? name('role', 'metadata.name', platform.naming.role, {
            role: PII_ROLE_KIND,
          })
        : undefined;
    const maskedSchema =
      piiRole && masking === 'masked-views'
        ? name('schema', 'metadata.name', platform.naming.schema, {
            layer: platform.layers.masked ?? DEFAULT_MASKED_LAYER,
          })
        : undefined;
    const allRoles = [...Object.values(roles), ...(piiRole ? [piiRole] : [])];
    const allSchemas = [
      ...Object.values(schemas),
      ...(maskedSchema ? [maskedSchema] : []),
    ];

    for (const role of allRoles) {
      const other = roleOwners.get(role);
      if (other && other !== ref) {
        issue(
          'metadata.name',
          `role '${role}' is also the name of a role of ${other}`,
        );
      }
    }
    for (const schema of allSchemas) {
      const other = schemaOwners.get(`${database}.${schema}`);
      if (other && other !== ref) {
        issue(
          'metadata.name',
          `schema '${database}.${schema}' is also a schema of ${other}`,
        );
      }
    }
    if (productIssues.length > 0) {
      issues.push(...productIssues);
      continue;
    }

    const marker = managedByMarker(ref);
    if (!computeSeen.has(compute)) {
      computeSeen.add(compute);
      state.computes.push({
        name: compute,
        size: platform.compute.size,
        autoSuspendSeconds: platform.compute.autoSuspendSeconds,
        comment: `datamesh compute of domain ${domainName}`,
      });
    }
    if (!databaseSeen.has(database)) {
      databaseSeen.add(database);
      state.databases.push({
        name: database,
        comment: `${PLATFORM_DATABASE_COMMENT} of domain ${domainName}, stage ${stage}`,
      });
    }
    for (const role of allRoles) {
      roleOwners.set(role, ref);
      state.roles.push({ name: role, comment: marker });
    }
    // the PII role sits between consumer and service, so whoever reads in
    // clear also reads what a consumer reads, and service and owner read clear
    state.memberships.push(
      ...(piiRole
        ? [
            { role: roles.consumer, member: piiRole },
            { role: piiRole, member: roles.service },
          ]
        : [{ role: roles.consumer, member: roles.service }]),
      { role: roles.service, member: roles.owner },
    );
    if (platform.parentRole) {
      state.memberships.push({
        role: roles.owner,
        member: platform.parentRole,
      });
    }
    for (const schema of allSchemas) {
      schemaOwners.set(`${database}.${schema}`, ref);
      state.schemas.push({
        database,
        schema,
        owner: roles.owner,
        comment: marker,
      });
    }

    const grant = (
      target: PrivilegeGrant['target'],
      privileges: Privilege[],
      grantee: string,
    ) => {
      for (const privilege of privileges) {
        state.grants.push({ target, privilege, grantee });
      }
    };
    grant({ type: 'compute', name: compute }, ['usage'], roles.consumer);
    grant({ type: 'database', name: database }, ['usage'], roles.consumer);
    for (const layer of PRODUCT_LAYERS) {
      const at: SchemaRef = { database, schema: schemas[layer] };
      grant({ type: 'schema', ...at }, ['usage', 'create'], roles.service);
      grant({ type: 'tables', ...at }, WRITE_PRIVILEGES, roles.service);
      // Tables the service role creates are its own; tables created as the
      // owner role must still be writable by the pipeline's service role.
      grant(
        { type: 'future-tables', ...at, creator: roles.owner },
        WRITE_PRIVILEGES,
        roles.service,
      );
      if (layer === 'output') {
        // with masked views, the full tables are the PII role's alone
        const reader = maskedSchema ? piiRole! : roles.consumer;
        grant({ type: 'schema', ...at }, ['usage'], reader);
        grant({ type: 'tables', ...at }, ['select'], reader);
        for (const creator of [roles.service, roles.owner]) {
          grant({ type: 'future-tables', ...at, creator }, ['select'], reader);
        }
      }
    }
    if (maskedSchema) {
      // views are made by the engine (the plan grants on them after making
      // them), so no future grants: nobody else creates tables here
      const at: SchemaRef = { database, schema: maskedSchema };
      grant({ type: 'schema', ...at }, ['usage'], roles.consumer);
      grant({ type: 'tables', ...at }, ['select'], roles.consumer);
    }
    if (piiRole) {
      state.masks!.push(
        ...piiColumns.map(
          ({ dataset, column }): MaskedColumn => ({
            database,
            schema: schemas.output,
            table: toSqlName(dataset),
            column,
            clearRole: piiRole,
          }),
        ),
      );
    }

    const provisioned: ProvisionedProduct = {
      entityRef: ref,
      stage,
      compute,
      database,
      schemas,
      outputSchema: schemas.output,
      roles,
      ...(piiRole ? { piiRole } : {}),
      ...(maskedSchema ? { maskedSchema } : {}),
    };
    state.products.push(provisioned);
  }

  if (issues.length > 0) return { issues };
  return { desired: state, issues };
}
