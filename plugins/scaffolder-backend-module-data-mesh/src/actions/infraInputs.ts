import type { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import { DEFAULT_SPEC_PATH } from '../spec';

/** The zod the scaffolder hands to schema callbacks (its own copy, not ours). */
export type Z = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

/** Inputs the plan and apply actions share. */
export const infraInputs = {
  path: (z: Z) =>
    z
      .string({
        description: `Path of the spec file, relative to the workspace. Default ${DEFAULT_SPEC_PATH}`,
      })
      .optional(),
  stage: (z: Z) =>
    z
      .string({
        description:
          'Stage to provision (one of dataMesh.provisioning.stages). Default: spec.infrastructure.stage, else the platform default stage',
      })
      .optional(),
  showSql: (z: Z) =>
    z
      .boolean({
        description: 'Print the SQL of every step under it. Default false',
      })
      .optional(),
};

const names = (z: Z) =>
  z.object({ raw: z.string(), intermediate: z.string(), output: z.string() });

/** Outputs naming the product's objects, shared by plan and apply. */
export const objectOutputs = {
  entityRef: (z: Z) => z.string(),
  platform: (z: Z) =>
    z.string({
      description: 'Warehouse dialect, e.g. pglite, postgresql, snowflake',
    }),
  stage: (z: Z) => z.string(),
  compute: (z: Z) =>
    z
      .string({
        description:
          'Compute per domain (Snowflake warehouse); absent on PostgreSQL/PGlite',
      })
      .optional(),
  warehouse: (z: Z) => z.string({ description: 'Same as compute' }).optional(),
  database: (z: Z) => z.string(),
  schemas: (z: Z) =>
    names(z).describe(
      'Schema per layer as it exists in the warehouse, unquoted (PGlite: <database>__<schema>)',
    ),
  logicalSchemas: (z: Z) =>
    names(z).describe(
      'Schema per layer in the platform naming (dataMesh.provisioning)',
    ),
  qualifiedSchemas: (z: Z) =>
    names(z).describe('Schema per layer as the warehouse spells it (quoted)'),
  roles: (z: Z) =>
    z.object({ consumer: z.string(), service: z.string(), owner: z.string() }),
  summary: (z: Z) =>
    z
      .object({
        create: z.number(),
        alter: z.number(),
        grant: z.number(),
        revoke: z.number(),
        drop: z.number(),
        destructive: z.number(),
        statements: z.number(),
        notes: z.number(),
        inSync: z.boolean(),
        text: z.string(),
      })
      .describe('Counts of the plan'),
  lines: (z: Z) =>
    z.array(z.string()).describe('The plan, one line per step (renderPlan)'),
  steps: (z: Z) =>
    z.number({ description: 'Safe steps (create, alter, grant) in the plan' }),
  destructive: (z: Z) =>
    z.number({
      description: 'Revoke and drop steps, run only with allowDestructive',
    }),
  inSync: (z: Z) =>
    z.boolean({ description: 'The warehouse matches the declared state' }),
};
