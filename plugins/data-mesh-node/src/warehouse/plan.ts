/*
 * The diff engine: desired state + actual state -> ordered steps.
 *
 * One engine for the scaffolder actions, the CLI and drift detection. The
 * plan is computed from what is actually there, so applying a plan and
 * planning again gives an empty plan (idempotence comes from the diff, and
 * the dialects also write statements that tolerate a retry where the SQL
 * allows it). Revokes and drops are kept apart and only run when the caller
 * says so: a drift in the warehouse must never cost data by default.
 * Assessment (desired, actual, plan and status per product) is in
 * assess.ts, running a plan in apply.ts.
 */
import { membershipKey } from '@datamesh/plugin-data-mesh-common';
import { parseManagedByMarker } from './desiredState';
import { planMasking } from './maskingPlan';
import {
  type ActualState,
  type Change,
  type DesiredState,
  type Plan,
  type PlanConflict,
  type PlanStep,
  type PlanStepKind,
  type Privilege,
  type PrivilegeGrant,
  type PrivilegeTarget,
  type RoleMembership,
  type WarehouseAdapter,
  type WarehouseCapabilities,
  type WarehouseDialect,
  type WarehouseState,
  PRIVILEGES,
} from './types';

const TARGET_ORDER: PrivilegeTarget['type'][] = [
  'compute',
  'database',
  'schema',
  'tables',
  'future-tables',
];

function targetKey(t: PrivilegeTarget): string {
  switch (t.type) {
    case 'compute':
    case 'database':
      return `${t.type}|${t.name}`;
    case 'schema':
    case 'tables':
      return `${t.type}|${t.database}|${t.schema}`;
    case 'future-tables':
      return `${t.type}|${t.database}|${t.schema}|${t.creator ?? ''}`;
    default:
      throw new Error(`unknown privilege target ${JSON.stringify(t)}`);
  }
}

const grantKey = (g: PrivilegeGrant) =>
  `${targetKey(g.target)}|${g.grantee}|${g.privilege}`;
const schemaKey = (s: { database: string; schema: string }) =>
  `${s.database}|${s.schema}`;

/** What an adapter cannot represent is removed from the desired state, and said in a note. */
function normalise(
  state: WarehouseState,
  capabilities: WarehouseCapabilities,
): WarehouseState {
  let grants = state.grants;
  if (!capabilities.compute) {
    grants = grants.filter(g => g.target.type !== 'compute');
  }
  if (capabilities.databases === 'schema-prefix') {
    grants = grants.filter(g => g.target.type !== 'database');
  }
  if (capabilities.futureGrants === 'per-schema') {
    const seen = new Set<string>();
    grants = grants
      .map(g =>
        g.target.type === 'future-tables'
          ? { ...g, target: { ...g.target, creator: undefined } }
          : g,
      )
      .filter(g => {
        const k = grantKey(g);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
  }
  return {
    ...state,
    computes: capabilities.compute ? state.computes : [],
    databases: capabilities.databases === 'native' ? state.databases : [],
    grants,
  };
}

/** A membership's member as a plan line names it: `"bob"` for a role, `user "bob"` for a user. */
function memberWords(m: RoleMembership, q: (name: string) => string): string {
  return m.memberKind === 'user' ? `user ${q(m.member)}` : q(m.member);
}

/** Readable rendering of one change, with names quoted by the dialect. @public */
export function describeChange(
  change: Change,
  dialect: WarehouseDialect,
): string {
  const q = (n: string) => dialect.quoteIdentifier(n);
  const role = (n: string) => (n === 'PUBLIC' ? 'PUBLIC' : q(n));
  const on = (t: PrivilegeTarget) => {
    switch (t.type) {
      case 'compute':
        return `compute ${q(t.name)}`;
      case 'database':
        return `database ${q(t.name)}`;
      case 'schema':
        return `schema ${dialect.qualifiedSchema(t)}`;
      case 'tables':
        return `all tables in schema ${dialect.qualifiedSchema(t)}`;
      case 'future-tables':
        return `future tables in schema ${dialect.qualifiedSchema(t)}${
          t.creator ? ` created by ${q(t.creator)}` : ''
        }`;
      default:
        throw new Error('unknown target');
    }
  };
  switch (change.action) {
    case 'create-compute':
      return `+ create compute ${q(change.compute.name)} (size ${
        change.compute.size ?? 'default'
      }, auto-suspend ${
        change.compute.autoSuspendSeconds ?? 'default'
      }s, initially suspended)`;
    case 'create-database':
      return `+ create database ${q(change.database.name)}`;
    case 'create-role':
      return `+ create role ${q(change.role.name)}`;
    case 'create-schema':
      return `+ create schema ${dialect.qualifiedSchema(change.schema)}${
        change.schema.owner ? ` owner ${q(change.schema.owner)}` : ''
      }`;
    case 'set-schema-owner':
      return `~ alter schema ${dialect.qualifiedSchema(
        change.schema,
      )} owner to ${q(change.owner)}`;
    case 'set-comment': {
      const o = change.object;
      const what =
        o.kind === 'schema'
          ? `schema ${dialect.qualifiedSchema(o)}`
          : `${o.kind} ${q(o.name)}`;
      return `~ comment on ${what} is '${change.comment}'`;
    }
    case 'grant-role':
      return `+ grant role ${q(change.membership.role)} to ${memberWords(
        change.membership,
        q,
      )}`;
    case 'revoke-role':
      return `- revoke role ${q(change.membership.role)} from ${memberWords(
        change.membership,
        q,
      )}`;
    case 'grant':
      return `+ grant ${change.privileges.join(', ')} on ${on(
        change.target,
      )} to ${role(change.grantee)}`;
    case 'revoke':
      return `- revoke ${change.privileges.join(', ')} on ${on(
        change.target,
      )} from ${role(change.grantee)}`;
    case 'drop-schema':
      return `- drop schema ${dialect.qualifiedSchema(
        change.schema,
      )} cascade (drops its tables)`;
    case 'drop-role':
      return `- drop role ${q(change.role)}`;
    case 'drop-database':
      return `- drop database ${q(change.database)}`;
    case 'drop-compute':
      return `- drop compute ${q(change.compute)}`;
    case 'create-masked-view': {
      const v = change.view;
      return `+ create masked view ${dialect.qualifiedTable(
        v.target,
        v.target.view,
      )} of ${dialect.qualifiedTable(v.source, v.source.table)}${
        v.masked.length > 0
          ? ` masking ${v.masked.map(q).join(', ')}`
          : ' (no PII columns)'
      }`;
    }
    case 'create-masking-policy':
      return `+ create masking policy ${dialect.qualifiedTable(
        change.policy,
        change.policy.name,
      )} (${change.policy.type}, clear for ${q(change.policy.clearRole)})`;
    case 'set-masking-policy':
      return `~ alter table ${dialect.qualifiedTable(
        change.table,
        change.table.table,
      )} column ${q(change.column)} set masking policy ${dialect.qualifiedTable(
        change.policy,
        change.policy.name,
      )}`;
    default:
      throw new Error(`unknown change ${JSON.stringify(change)}`);
  }
}

function kindOf(change: Change): PlanStepKind {
  switch (change.action) {
    case 'create-compute':
    case 'create-database':
    case 'create-role':
    case 'create-schema':
    case 'create-masked-view':
    case 'create-masking-policy':
      return 'create';
    case 'set-schema-owner':
    case 'set-comment':
    case 'set-masking-policy':
      return 'alter';
    case 'grant':
    case 'grant-role':
      return 'grant';
    case 'revoke':
    case 'revoke-role':
      return 'revoke';
    default:
      return 'drop';
  }
}

/** Group atomic grants by (target, grantee), privileges in canonical order. */
function groupGrants(grants: PrivilegeGrant[]) {
  const groups = new Map<
    string,
    { target: PrivilegeTarget; grantee: string; privileges: Set<Privilege> }
  >();
  for (const g of grants) {
    const k = `${targetKey(g.target)}|${g.grantee}`;
    let group = groups.get(k);
    if (!group) {
      group = { target: g.target, grantee: g.grantee, privileges: new Set() };
      groups.set(k, group);
    }
    group.privileges.add(g.privilege);
  }
  return [...groups.values()]
    .map(g => ({
      target: g.target,
      grantee: g.grantee,
      privileges: PRIVILEGES.filter(p => g.privileges.has(p)),
    }))
    .sort(
      (a, b) =>
        TARGET_ORDER.indexOf(a.target.type) -
        TARGET_ORDER.indexOf(b.target.type),
    );
}

/**
 * What the warehouse does differently from the design for any product
 * (no compute objects, one database with schema-name prefixes). Plans carry
 * them for the CLI and the scaffolder log; a product page leaves them out,
 * because they are facts of the platform, not anything its owner can fix.
 * @public
 */
export function platformNotes(
  desiredState: DesiredState,
  adapter: Pick<WarehouseAdapter, 'dialect' | 'capabilities'>,
): string[] {
  const { dialect, capabilities } = adapter;
  const notes = capabilities.compute
    ? []
    : desiredState.computes.map(
        c =>
          `compute per domain (${c.name}) has no ${dialect.displayName} equivalent — skipped; queries run on the server's shared compute`,
      );
  return [...notes, ...(dialect.notes?.(desiredState) ?? [])];
}

/**
 * Diff a desired state against the actual state of its scope.
 *
 * Objects in `actual` that the desired state does not name become drops
 * (only possible when the scope was wider than the desired state, e.g. to
 * retire a product). Grants on product-owned objects (schemas, their tables)
 * are fully managed: a grant to anyone else is drift and gets a revoke.
 * On shared objects (a domain's database and compute) only grants to the
 * scope's own roles are managed, so planning one product never revokes
 * another product's access.
 * @public
 */
export function diff(
  desiredState: DesiredState,
  actualState: ActualState,
  adapter: Pick<WarehouseAdapter, 'dialect' | 'capabilities'>,
): Plan {
  const { dialect, capabilities } = adapter;
  const desired = normalise(desiredState, capabilities);
  const actual = normalise(actualState, capabilities);
  const notes: string[] = [];
  const conflicts: PlanConflict[] = [];
  const safe: Change[] = [];
  const destructive: Change[] = [];

  notes.push(...platformNotes(desiredState, adapter));

  // Objects that exist but carry another product's marker are not ours to touch.
  const checkOwner = (
    object: PlanConflict['object'],
    desiredComment: string | undefined,
    actualComment: string | undefined,
  ): 'ok' | 'conflict' | 'adopt' => {
    const want = parseManagedByMarker(desiredComment);
    if (!want) return 'ok';
    const have = parseManagedByMarker(actualComment);
    if (have === want) return 'ok';
    if (have) {
      conflicts.push({
        object,
        message: `${object.kind} ${
          'name' in object ? object.name : `${object.database}.${object.schema}`
        } already exists and belongs to ${have}, not ${want}`,
      });
      return 'conflict';
    }
    return 'adopt';
  };

  const actualComputes = new Set(actual.computes.map(c => c.name));
  for (const c of desired.computes) {
    if (!actualComputes.has(c.name))
      safe.push({ action: 'create-compute', compute: c });
  }
  const actualDatabases = new Set(actual.databases.map(d => d.name));
  for (const d of desired.databases) {
    if (!actualDatabases.has(d.name))
      safe.push({ action: 'create-database', database: d });
  }

  const actualRoles = new Map(actual.roles.map(r => [r.name, r]));
  for (const r of desired.roles) {
    const found = actualRoles.get(r.name);
    if (!found) {
      safe.push({ action: 'create-role', role: r });
    } else if (
      checkOwner({ kind: 'role', name: r.name }, r.comment, found.comment) ===
      'adopt'
    ) {
      notes.push(
        `role ${r.name} exists without a datamesh marker; it is adopted by this product`,
      );
      safe.push({
        action: 'set-comment',
        object: { kind: 'role', name: r.name },
        comment: r.comment!,
      });
    }
  }

  const actualMemberships = new Set(actual.memberships.map(membershipKey));
  for (const m of desired.memberships) {
    if (!actualMemberships.has(membershipKey(m)))
      safe.push({ action: 'grant-role', membership: m });
  }

  const actualSchemas = new Map(actual.schemas.map(s => [schemaKey(s), s]));
  const createdSchemas = new Set<string>();
  for (const s of desired.schemas) {
    const found = actualSchemas.get(schemaKey(s));
    if (!found) {
      createdSchemas.add(schemaKey(s));
      safe.push({ action: 'create-schema', schema: s });
      continue;
    }
    const ref = { database: s.database, schema: s.schema };
    const owner = checkOwner(
      { kind: 'schema', ...ref },
      s.comment,
      found.comment,
    );
    if (owner === 'conflict') continue;
    if (s.owner && found.owner !== s.owner) {
      safe.push({ action: 'set-schema-owner', schema: ref, owner: s.owner });
    }
    if (owner === 'adopt') {
      notes.push(
        `schema ${s.database}.${s.schema} exists without a datamesh marker; it is adopted by this product`,
      );
      safe.push({
        action: 'set-comment',
        object: { kind: 'schema', ...ref },
        comment: s.comment!,
      });
    }
  }

  const actualGrants = new Set(
    actual.grants.filter(g => !g.partial).map(grantKey),
  );
  const emptySchemas = new Set(
    actual.schemas.filter(s => s.tableCount === 0).map(schemaKey),
  );
  const masking = planMasking(desiredState, actualState, dialect);
  notes.push(...masking.notes);
  safe.push(...masking.changes);
  // views made by this plan are not covered by an earlier "all tables" grant
  const regrant = new Set(masking.regrant.map(schemaKey));
  const missing = desired.grants.filter(
    g =>
      (g.target.type === 'tables' && regrant.has(schemaKey(g.target))) ||
      (!actualGrants.has(grantKey(g)) &&
        // no tables (or a schema created by this plan): "all tables" holds already
        !(
          g.target.type === 'tables' &&
          (createdSchemas.has(schemaKey(g.target)) ||
            emptySchemas.has(schemaKey(g.target)))
        )),
  );
  for (const g of groupGrants(missing)) safe.push({ action: 'grant', ...g });

  // --- destructive: what is there but not desired
  const desiredGrants = new Set(desired.grants.map(grantKey));
  const scopeRoles = new Set([
    ...desired.roles.map(r => r.name),
    ...actual.roles.map(r => r.name),
  ]);
  const desiredSchemaKeys = new Set(desired.schemas.map(schemaKey));
  const droppedSchemas = new Set(
    actual.schemas.map(schemaKey).filter(k => !desiredSchemaKeys.has(k)),
  );
  const extra = actual.grants.filter(g => {
    if (g.implicit || desiredGrants.has(grantKey(g))) return false;
    if (g.target.type === 'compute' || g.target.type === 'database') {
      return scopeRoles.has(g.grantee);
    }
    return !droppedSchemas.has(schemaKey(g.target));
  });
  for (const g of groupGrants(extra).reverse())
    destructive.push({ action: 'revoke', ...g });

  const desiredMemberships = new Set(desired.memberships.map(membershipKey));
  for (const m of actual.memberships) {
    if (!desiredMemberships.has(membershipKey(m))) {
      destructive.push({ action: 'revoke-role', membership: m });
    }
  }
  for (const s of actual.schemas) {
    if (droppedSchemas.has(schemaKey(s))) {
      destructive.push({
        action: 'drop-schema',
        schema: { database: s.database, schema: s.schema },
      });
    }
  }
  const desiredRoles = new Set(desired.roles.map(r => r.name));
  const databasesInScope = [
    ...new Set([
      ...actual.databases.map(d => d.name),
      ...actual.schemas.map(s => s.database),
    ]),
  ];
  for (const r of actual.roles) {
    if (!desiredRoles.has(r.name)) {
      destructive.push({
        action: 'drop-role',
        role: r.name,
        databases: databasesInScope,
      });
    }
  }
  const desiredDatabases = new Set(desired.databases.map(d => d.name));
  for (const d of actual.databases) {
    if (!desiredDatabases.has(d.name))
      destructive.push({ action: 'drop-database', database: d.name });
  }
  const desiredComputes = new Set(desired.computes.map(c => c.name));
  for (const c of actual.computes) {
    if (!desiredComputes.has(c.name))
      destructive.push({ action: 'drop-compute', compute: c.name });
  }

  const step = (change: Change): PlanStep => ({
    kind: kindOf(change),
    change,
    line: describeChange(change, dialect),
    statements: dialect.statements(change),
    destructive: kindOf(change) === 'revoke' || kindOf(change) === 'drop',
  });
  const order: Change['action'][] = [
    'create-compute',
    'create-database',
    'create-role',
    'set-comment',
    'grant-role',
    'create-schema',
    'set-schema-owner',
    'create-masked-view',
    'create-masking-policy',
    'set-masking-policy',
    'grant',
  ];
  safe.sort((a, b) => order.indexOf(a.action) - order.indexOf(b.action));

  return {
    dialect: dialect.id,
    steps: conflicts.length > 0 ? [] : safe.map(step),
    destructive: conflicts.length > 0 ? [] : destructive.map(step),
    notes,
    conflicts,
    products: desiredState.products,
  };
}

/** True when applying the plan would change nothing. @public */
export function isPlanEmpty(plan: Plan): boolean {
  return plan.steps.length === 0 && plan.destructive.length === 0;
}

/**
 * The plan as lines a person reads in a task log or a terminal:
 * `+` create/grant, `~` alter, `-` revoke/drop (listed apart), `!` notes.
 * @public
 */
export function renderPlan(
  plan: Plan,
  options: { sql?: boolean } = {},
): string[] {
  const lines: string[] = [];
  const add = (s: PlanStep) => {
    lines.push(s.line);
    if (options.sql) for (const st of s.statements) lines.push(`    ${st.sql}`);
  };
  for (const c of plan.conflicts) lines.push(`! conflict: ${c.message}`);
  plan.steps.forEach(add);
  if (plan.destructive.length > 0) {
    lines.push('destructive steps (run only when explicitly allowed):');
    plan.destructive.forEach(add);
  }
  if (isPlanEmpty(plan) && plan.conflicts.length === 0) {
    lines.push('no changes: the warehouse matches the declared state');
  }
  for (const n of plan.notes) lines.push(`! note: ${n}`);
  return lines;
}
