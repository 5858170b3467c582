/*
 * Platform configuration of provisioning: naming templates, stages, layers.
 *
 * The defaults follow seed part 2 and the information architecture of the
 * datamesh-architecture seed (`{organization}-{domain}[-{stage}]` databases
 * with private raw/intermediates and an org-public output layer). Names are
 * composed from validated identifiers only, and the composition is checked
 * again (length, characters) because a template can make a name too long.
 */
import type { RootConfigService } from '@backstage/backend-plugin-api';
import { validateIdentifier } from '@datamesh/plugin-data-mesh-common';
import type { ProductLayer } from './types';

/**
 * Naming templates. Tokens: `{org}`, `{domain}`, `{stage}`, `{product}`,
 * `{layer}` (schema only), `{role}` (role only). Token values are the
 * identifiers in SQL spelling (`-` becomes `_`).
 * @public
 */
export interface NamingTemplates {
  /** Compute per domain. Default `{org}_{domain}_wh`. */
  compute: string;
  /** Database per organisation-domain-stage. Default `{org}_{domain}_{stage}`. */
  database: string;
  /** Schema per product layer, inside the database. Default `{product}_{layer}`. */
  schema: string;
  /**
   * Role per product and kind. Default `{domain}_{product}_{role}`: roles span
   * the stages of a product. Add `{stage}` to separate them (the composed
   * name must then still fit 63 characters).
   */
  role: string;
}

/** @public */
export interface PlatformConfig {
  /** Organisation identifier, the `{org}` token. Default `acme`. */
  organization: string;
  /** Allowed stages. Default `dev`, `test`, `prod`. */
  stages: string[];
  /** Stage of a product whose spec names none. Default `dev`. */
  defaultStage: string;
  naming: NamingTemplates;
  /**
   * The `{layer}` token per layer. Defaults `raw`, `intermediates` (seed
   * wording), `output`; `masked` (default `masked`) names the schema of
   * masked views where the warehouse masks PII that way (PostgreSQL).
   */
  layers: Record<ProductLayer, string> & { masked?: string };
  /** Compute settings (Snowflake warehouse). */
  compute: { size: string; autoSuspendSeconds: number };
  /** Role the owner roles are granted to (Snowflake `SYSADMIN`); default: the adapter's. */
  parentRole?: string;
  /** Metadata columns of the information architecture seed, as used by templates and table stats. */
  metadataColumns: {
    loadedAt: string;
    recordType: string;
    sourceSystem: string;
  };
}

/** Documented defaults. @public */
export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = Object.freeze({
  organization: 'acme',
  stages: ['dev', 'test', 'prod'],
  defaultStage: 'dev',
  naming: {
    compute: '{org}_{domain}_wh',
    database: '{org}_{domain}_{stage}',
    schema: '{product}_{layer}',
    role: '{domain}_{product}_{role}',
  },
  layers: { raw: 'raw', intermediate: 'intermediates', output: 'output' },
  compute: { size: 'XSMALL', autoSuspendSeconds: 60 },
  metadataColumns: {
    loadedAt: 'loaded_at',
    recordType: 'record_type',
    sourceSystem: 'source_system',
  },
}) as PlatformConfig;

/** Tokens each template may use, and must use so that names cannot collide. */
const TEMPLATE_TOKENS: Record<
  keyof NamingTemplates,
  { allowed: string[]; required: string[] }
> = {
  compute: { allowed: ['org', 'domain'], required: ['domain'] },
  database: {
    allowed: ['org', 'domain', 'stage'],
    required: ['domain', 'stage'],
  },
  schema: {
    allowed: ['org', 'domain', 'stage', 'product', 'layer'],
    required: ['product', 'layer'],
  },
  role: {
    allowed: ['org', 'domain', 'stage', 'product', 'role'],
    required: ['product', 'role'],
  },
};

/** A plain SQL identifier; the only shape any dialect accepts for quoting. @public */
export const SAFE_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Literal text allowed around tokens in a template. */
const TEMPLATE_LITERAL = /^[a-z0-9_]*$/;

/** Fill a naming template. Values must already be validated identifiers. @public */
export function renderNameTemplate(
  template: string,
  values: Record<string, string>,
): string {
  return template.replace(/\{([a-z]+)\}/g, (_, token: string) => {
    const value = values[token];
    if (value === undefined) {
      throw new Error(
        `unknown token {${token}} in naming template '${template}'`,
      );
    }
    return value;
  });
}

/**
 * Check a platform config: templates use known tokens and the required ones,
 * identifiers are valid, and stage and layer names are "suffix-free" — no
 * name ends with `_` plus another — which is what makes the default
 * `_`-joined names collision-free.
 * @returns problems, one sentence each; empty when the config is fine.
 * @public
 */
export function validatePlatformConfig(config: PlatformConfig): string[] {
  const problems: string[] = [];
  const orgProblem = validateIdentifier(config.organization, 'organization');
  if (orgProblem) problems.push(`organization: ${orgProblem}`);
  if (!Array.isArray(config.stages) || config.stages.length === 0) {
    problems.push('stages: at least one stage is required');
  } else {
    for (const stage of config.stages) {
      const p = validateIdentifier(stage, 'stage');
      if (p) problems.push(`stages: ${p}`);
    }
    problems.push(...suffixProblems('stages', config.stages));
    if (!config.stages.includes(config.defaultStage)) {
      problems.push(
        `defaultStage: '${
          config.defaultStage
        }' is not one of the stages (${config.stages.join(', ')})`,
      );
    }
  }
  for (const key of Object.keys(TEMPLATE_TOKENS) as (keyof NamingTemplates)[]) {
    const template = config.naming?.[key];
    if (typeof template !== 'string' || template === '') {
      problems.push(`naming.${key}: a template is required`);
      continue;
    }
    const { allowed, required } = TEMPLATE_TOKENS[key];
    const used = [...template.matchAll(/\{([^}]*)\}/g)].map(m => m[1]);
    for (const token of used) {
      if (!allowed.includes(token)) {
        problems.push(
          `naming.${key}: unknown token {${token}} in '${template}'; allowed: ${allowed
            .map(t => `{${t}}`)
            .join(', ')}`,
        );
      }
    }
    for (const token of required) {
      if (!used.includes(token)) {
        problems.push(
          `naming.${key}: '${template}' must contain {${token}}, or names of different products would collide`,
        );
      }
    }
    const literal = template.replace(/\{[^}]*\}/g, '');
    if (!TEMPLATE_LITERAL.test(literal)) {
      problems.push(
        `naming.${key}: '${template}' may contain only lowercase letters, digits and _ besides its tokens`,
      );
    }
    if (!/^(\{[a-z]+\}|[a-z])/.test(template)) {
      problems.push(
        `naming.${key}: '${template}' must start with a letter or a token`,
      );
    }
  }
  const layerNames = Object.values(config.layers ?? {});
  for (const [layer, name] of Object.entries(config.layers ?? {})) {
    if (
      typeof name !== 'string' ||
      !/^[a-z][a-z0-9_]*$/.test(name) ||
      name.length > 30
    ) {
      problems.push(
        `layers.${layer}: '${name}' must be a lowercase identifier of at most 30 characters`,
      );
    }
  }
  if (new Set(layerNames).size !== layerNames.length) {
    problems.push('layers: the layer names must differ');
  }
  problems.push(...suffixProblems('layers', layerNames));
  if (
    config.parentRole !== undefined &&
    !SAFE_IDENTIFIER.test(config.parentRole)
  ) {
    problems.push(
      `parentRole: '${config.parentRole}' is not a plain identifier`,
    );
  }
  for (const [key, column] of Object.entries(config.metadataColumns ?? {})) {
    const p = validateIdentifier(column, 'column');
    if (p) problems.push(`metadataColumns.${key}: ${p}`);
  }
  if (
    !Number.isInteger(config.compute?.autoSuspendSeconds) ||
    config.compute.autoSuspendSeconds < 0
  ) {
    problems.push('compute.autoSuspendSeconds: must be a non-negative integer');
  }
  if (!/^[A-Za-z0-9_-]+$/.test(config.compute?.size ?? '')) {
    problems.push(
      `compute.size: '${config.compute?.size}' is not a warehouse size`,
    );
  }
  return problems;
}

function suffixProblems(what: string, names: string[]): string[] {
  const out: string[] = [];
  for (const a of names) {
    for (const b of names) {
      if (
        a !== b &&
        a.replace(/-/g, '_').endsWith(`_${b.replace(/-/g, '_')}`)
      ) {
        out.push(
          `${what}: '${a}' ends with '_${b}', so composed names could collide; rename one of them`,
        );
      }
    }
  }
  return out;
}

/**
 * Read `dataMesh.provisioning` (see config.d.ts of this package) over the
 * defaults. Throws with every problem listed when the result is invalid:
 * a wrong naming config must stop the backend at startup, not half-way
 * through provisioning.
 * @public
 */
export function readPlatformConfig(config?: RootConfigService): PlatformConfig {
  const c = config?.getOptionalConfig('dataMesh.provisioning');
  const d = DEFAULT_PLATFORM_CONFIG;
  const result: PlatformConfig = {
    organization: c?.getOptionalString('organization') ?? d.organization,
    stages: c?.getOptionalStringArray('stages') ?? [...d.stages],
    defaultStage: c?.getOptionalString('defaultStage') ?? d.defaultStage,
    naming: {
      compute: c?.getOptionalString('naming.compute') ?? d.naming.compute,
      database: c?.getOptionalString('naming.database') ?? d.naming.database,
      schema: c?.getOptionalString('naming.schema') ?? d.naming.schema,
      role: c?.getOptionalString('naming.role') ?? d.naming.role,
    },
    layers: {
      raw: c?.getOptionalString('layers.raw') ?? d.layers.raw,
      intermediate:
        c?.getOptionalString('layers.intermediate') ?? d.layers.intermediate,
      output: c?.getOptionalString('layers.output') ?? d.layers.output,
      ...(c?.getOptionalString('layers.masked') !== undefined
        ? { masked: c?.getOptionalString('layers.masked') }
        : {}),
    },
    compute: {
      size: c?.getOptionalString('compute.size') ?? d.compute.size,
      autoSuspendSeconds:
        c?.getOptionalNumber('compute.autoSuspendSeconds') ??
        d.compute.autoSuspendSeconds,
    },
    parentRole: c?.getOptionalString('parentRole'),
    metadataColumns: {
      loadedAt:
        c?.getOptionalString('metadataColumns.loadedAt') ??
        d.metadataColumns.loadedAt,
      recordType:
        c?.getOptionalString('metadataColumns.recordType') ??
        d.metadataColumns.recordType,
      sourceSystem:
        c?.getOptionalString('metadataColumns.sourceSystem') ??
        d.metadataColumns.sourceSystem,
    },
  };
  const problems = validatePlatformConfig(result);
  if (problems.length > 0) {
    throw new Error(
      `Invalid dataMesh.provisioning config:\n  ${problems.join('\n  ')}`,
    );
  }
  return result;
}

/** Defaults merged with a partial config (for tests, the CLI and callers without Backstage config). @public */
export function platformConfig(
  overrides: Partial<
    Omit<PlatformConfig, 'naming' | 'layers' | 'compute' | 'metadataColumns'>
  > & {
    naming?: Partial<NamingTemplates>;
    layers?: Partial<Record<ProductLayer, string>>;
    compute?: Partial<PlatformConfig['compute']>;
    metadataColumns?: Partial<PlatformConfig['metadataColumns']>;
  } = {},
): PlatformConfig {
  const d = DEFAULT_PLATFORM_CONFIG;
  return {
    ...d,
    ...overrides,
    stages: overrides.stages ?? [...d.stages],
    naming: { ...d.naming, ...overrides.naming },
    layers: { ...d.layers, ...overrides.layers },
    compute: { ...d.compute, ...overrides.compute },
    metadataColumns: { ...d.metadataColumns, ...overrides.metadataColumns },
  };
}
