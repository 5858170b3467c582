/*
 * The masking part of a plan (see masking.ts for the two styles): computed
 * from the columns the warehouse reports, so a view or a policy attachment
 * is planned only once the pipeline has created the table, and a view that
 * lacks a column or masks the wrong ones is planned again.
 */
import { managedByMarker } from './desiredState';
import {
  type ActualTable,
  type MaskedView,
  maskedViewComment,
} from './masking';
import type {
  ActualState,
  Change,
  DesiredState,
  SchemaRef,
  WarehouseDialect,
} from './types';

/** Masking changes, and the schemas whose `tables` grants must be sent again because views were (re)made in them. */
export interface MaskingPlan {
  changes: Change[];
  regrant: SchemaRef[];
  notes: string[];
}

const lower = (s: string) => s.toLowerCase();
// Snowflake reports unquoted-lowercase names as we wrote them, PostgreSQL too;
// comparing case-insensitively keeps both honest without a second spelling.
const same = (a: string, b: string) => lower(a) === lower(b);

function tablesIn(actual: ActualState, ref: SchemaRef): ActualTable[] {
  return (actual.tables ?? []).filter(
    t => same(t.database, ref.database) && same(t.schema, ref.schema),
  );
}

function planViews(desired: DesiredState, actual: ActualState): MaskingPlan {
  const out: MaskingPlan = { changes: [], regrant: [], notes: [] };
  const masks = desired.masks ?? [];
  for (const p of desired.products) {
    if (!p.maskedSchema) continue;
    const output: SchemaRef = {
      database: p.database,
      schema: p.outputSchema,
    };
    const masked: SchemaRef = { database: p.database, schema: p.maskedSchema };
    const existing = new Map(
      tablesIn(actual, masked).map(t => [lower(t.name), t]),
    );
    const pii = masks.filter(
      m => same(m.database, p.database) && same(m.schema, p.outputSchema),
    );
    let made = false;
    // every output table gets a view, PII or not: the plain consumer reads
    // only the masked schema
    for (const table of tablesIn(actual, output)) {
      const maskedColumns = table.columns
        .filter(c =>
          pii.some(m => same(m.table, table.name) && same(m.column, c.name)),
        )
        .map(c => c.name);
      const view: MaskedView = {
        source: { ...output, table: table.name },
        target: { ...masked, view: table.name },
        columns: table.columns.map(c => ({ name: c.name, type: c.type })),
        masked: maskedColumns,
        owner: p.roles.owner,
        comment: maskedViewComment(managedByMarker(p.entityRef), maskedColumns),
      };
      const found = existing.get(lower(table.name));
      const current =
        found?.kind === 'view' &&
        found.comment === view.comment &&
        found.columns.map(c => lower(c.name)).join(',') ===
          table.columns.map(c => lower(c.name)).join(',');
      if (!current) {
        out.changes.push({ action: 'create-masked-view', view });
        made = true;
      }
    }
    if (made) out.regrant.push(masked);
    const missing = [
      ...new Set(
        pii
          .filter(
            m => !tablesIn(actual, output).some(t => same(t.name, m.table)),
          )
          .map(m => m.table),
      ),
    ];
    for (const t of missing) {
      out.notes.push(
        `PII of ${p.entityRef}: table ${p.outputSchema}.${t} does not exist yet; its masked view is made by the first plan after the pipeline creates it`,
      );
    }
  }
  return out;
}

function planPolicies(
  desired: DesiredState,
  actual: ActualState,
  dialect: WarehouseDialect,
): MaskingPlan {
  const out: MaskingPlan = { changes: [], regrant: [], notes: [] };
  if (!actual.tables || !dialect.maskingPolicyType) {
    // an adapter that declares policies but cannot type or list columns:
    // say so rather than plan a mask that cannot be checked
    const tables = [...new Set((desired.masks ?? []).map(m => m.table))];
    out.notes.push(
      `${
        dialect.displayName
      } masking policies cannot be planned (the adapter reports no columns or policy types): PII columns of ${tables.join(
        ', ',
      )} are readable by every consumer`,
    );
    return out;
  }
  const planned = new Set<string>();
  const policies = new Set(
    (actual.maskingPolicies ?? []).map(p =>
      lower(`${p.database}.${p.schema}.${p.name}`),
    ),
  );
  const markers = new Map(
    desired.products.map(p => [p.piiRole, managedByMarker(p.entityRef)]),
  );
  for (const m of desired.masks ?? []) {
    const table = tablesIn(actual, m).find(t => same(t.name, m.table));
    const column = table?.columns.find(c => same(c.name, m.column));
    if (!table || !column) {
      out.notes.push(
        `PII column ${m.schema}.${m.table}.${m.column} does not exist yet; its masking policy is attached by the first plan after the pipeline creates it`,
      );
      continue;
    }
    if (table.kind === 'view') {
      // ALTER TABLE cannot set a policy on a view's column; the view's source table is where PII is masked
      out.notes.push(
        `PII column ${m.schema}.${m.table}.${m.column} belongs to a view; mask the table it reads from: it is not masked here`,
      );
      continue;
    }
    const kind = dialect.maskingPolicyType?.(column.type);
    if (!kind) {
      out.notes.push(
        `PII column ${m.schema}.${m.table}.${m.column} has type ${column.type}, which ${dialect.displayName} cannot mask here; it is not masked`,
      );
      continue;
    }
    const policy = {
      database: m.database,
      schema: m.schema,
      name: `pii_mask_${kind.family}`,
    };
    const key = lower(`${policy.database}.${policy.schema}.${policy.name}`);
    if (!policies.has(key) && !planned.has(key)) {
      planned.add(key);
      out.changes.push({
        action: 'create-masking-policy',
        policy: {
          ...policy,
          type: kind.type,
          mask: kind.mask,
          clearRole: m.clearRole,
          comment: `${markers.get(m.clearRole) ?? 'datamesh'}:pii`,
        },
      });
    }
    if (column.maskingPolicy && lower(column.maskingPolicy) !== key) {
      // someone else's policy (a security team's, say) is theirs to replace
      out.notes.push(
        `PII column ${m.schema}.${m.table}.${m.column} is masked by ${column.maskingPolicy}, not by ${policy.name}; it is left as it is`,
      );
    } else if (!column.maskingPolicy) {
      out.changes.push({
        action: 'set-masking-policy',
        table: { database: m.database, schema: m.schema, table: table.name },
        column: column.name,
        policy,
      });
    }
  }
  return out;
}

/** The masking changes of a desired state against what the warehouse holds. */
export function planMasking(
  desired: DesiredState,
  actual: ActualState,
  dialect: WarehouseDialect,
): MaskingPlan {
  if (!desired.masks?.length) return { changes: [], regrant: [], notes: [] };
  return desired.masking === 'masking-policies'
    ? planPolicies(desired, actual, dialect)
    : planViews(desired, actual);
}
