import { Command, Option } from 'commander';
import {
  SPEC_FORMATS,
  type SpecFormat,
} from '@datamesh/plugin-data-mesh-common';
import { type Io, EXIT_FAILED } from './io';
import { validateCommand } from './commands/validate';
import { convertCommand } from './commands/convert';
import { infraCommand } from './commands/infra';
import { type SandboxOptions, sandboxCommand } from './commands/sandbox';
import {
  OUTPUT_FORMATS,
  type OutputFormat,
  diffCommand,
} from './commands/diff';
import { checkCommand } from './commands/check';
import { qualityCommand } from './commands/quality';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options of a command whose outcome the portal keeps: tell the portal. */
const reportOptions = (
  cmd: Command,
  what = "what changed, for the product's audit trail",
) =>
  cmd
    .option(
      '--report-to <url>',
      `tell the portal's data-mesh API (e.g. https://portal.example.com/api/data-mesh) ${what}; the token comes from DATAMESH_PORTAL_TOKEN`,
    )
    .option(
      '--report-reference <text>',
      "where this run can be looked up, kept with the report (default: the CI run's URL on GitHub Actions, GitLab CI or Jenkins)",
    );

/**
 * The `datamesh` command line. Each action stores its exit code in
 * `result.code` rather than exiting, so the caller can flush output and
 * close connections first.
 */
export function createProgram(io: Io, result: { code: number }): Command {
  const program = new Command('datamesh')
    .description(
      'Validate, convert, plan and apply Backstage Data Mesh data product specs',
    )
    .version(require('../package.json').version)
    .configureOutput({
      writeOut: s => process.stdout.write(s),
      writeErr: s => process.stderr.write(s),
    })
    .showHelpAfterError('(run datamesh --help for usage)');

  const formatOption = () =>
    new Option(
      '--format <format>',
      'read the files as this format instead of detecting it',
    ).choices(SPEC_FORMATS as readonly string[]);

  program
    .command('validate')
    .description(
      'Check spec files (OAM data_product_spec.yml, ODPS with the ODCS contracts beside it, or a DataProduct entity); one located line per problem',
    )
    .argument('<spec-file...>', 'spec files to check')
    .addOption(formatOption())
    .action(async (files: string[], opts: { format?: SpecFormat }) => {
      result.code = await validateCommand(files, opts, io);
    });

  program
    .command('convert')
    .description(
      'Write a spec in another format to stdout (ODPS: the product, then one ODCS contract per dataset, separated by ---)',
    )
    .argument('<spec-file>', 'the spec to convert')
    .addOption(
      new Option('--to <format>', 'the format to write')
        .choices(SPEC_FORMATS as readonly string[])
        .makeOptionMandatory(),
    )
    .addOption(formatOption())
    .action(
      async (file: string, opts: { to: SpecFormat; format?: SpecFormat }) => {
        result.code = await convertCommand(file, opts, io);
      },
    );

  const outputOption = () =>
    new Option('--format <format>', 'output: text, json, or GitHub annotations')
      .choices(OUTPUT_FORMATS as readonly string[])
      .default('text');

  program
    .command('diff')
    .description(
      'Classify the changes between two versions of a spec (any format) as breaking, non-breaking or info, each located and explained; exit 0',
    )
    .argument('<old>', 'the earlier spec file')
    .argument('<new>', 'the later spec file')
    .addOption(outputOption())
    .action(
      async (
        oldFile: string,
        newFile: string,
        opts: { format: OutputFormat },
      ) => {
        result.code = await diffCommand(oldFile, newFile, opts, io);
      },
    );

  program
    .command('check')
    .description(
      'Check a spec for CI: valid, no breaking change against --against without a major version bump, and no governance policy failing at the stage; exit 1 otherwise',
    )
    .argument('<spec-file>', 'the spec as it is now')
    .addOption(
      new Option(
        '--against <git-ref|file>',
        'the earlier version: a git ref (read with git show, contracts beside it too) or a file',
      ).makeOptionMandatory(),
    )
    .addOption(outputOption())
    .option(
      '--stage <stage>',
      "stage the governance policies are judged at (warn in dev, error in prod); default: the spec's infrastructure stage, else the platform's default stage",
    )
    .option(
      '--config <file>',
      'app-config file with the governance rules (dataMesh.governance) and the default stage; repeatable, later files win',
      collect,
      [] as string[],
    )
    .action(
      async (
        file: string,
        opts: {
          against: string;
          format: OutputFormat;
          stage?: string;
          config: string[];
        },
      ) => {
        result.code = await checkCommand(file, opts, io);
      },
    );

  /** Which warehouse, named how, at which stage: the options of every command that opens it for products. */
  const warehouseOptions = (cmd: Command) =>
    cmd
      .option(
        '--config <file>',
        'app-config file naming the warehouse (dataMesh.warehouse) and the naming rules (dataMesh.provisioning); repeatable, later files win',
        collect,
        [] as string[],
      )
      .option(
        '--stage <stage>',
        "deployment stage (dev, test, prod, ...); default: the platform's default stage",
      )
      .option(
        '--data-dir <dir>',
        'data directory of the embedded PGlite warehouse (default: dataMesh.warehouse.pglite.dataDir, else .data/warehouse)',
      );

  const infraOptions = (cmd: Command) =>
    warehouseOptions(
      cmd.argument('<spec-file...>', 'specs of the products to provision'),
    )
      .option('--sql', 'show the SQL statements under each step')
      .option(
        '--write-env <file>',
        'append the provisioned names as DATAMESH_*=value lines to this file (e.g. "$GITHUB_ENV"); one spec only',
      );

  infraOptions(
    program
      .command('plan')
      .description(
        'Show what apply would change in the warehouse: create/alter/grant lines, then destructive revoke/drop lines',
      ),
  )
    .option(
      '--detailed-exitcode',
      'exit 2 when the plan has changes (drift), 0 when there are none',
    )
    .action(async (files: string[], opts) => {
      result.code = await infraCommand('plan', files, opts, io);
    });

  reportOptions(
    infraOptions(
      program
        .command('apply')
        .description(
          'Plan, then run the plan; idempotent (a second apply changes nothing)',
        ),
    ),
  )
    .option(
      '--allow-destructive',
      'also run the revoke and drop steps of the plan',
    )
    .action(async (files: string[], opts) => {
      result.code = await infraCommand('apply', files, opts, io);
    });

  reportOptions(
    warehouseOptions(
      program
        .command('quality')
        .description(
          "Measure the products' data-quality checks (ODCS quality[]) in the warehouse; exit 1 when a check of severity error fails or cannot be measured",
        )
        .argument('<spec-file...>', 'specs of the products to check'),
    ),
    "the counts, so the product's page shows this run's results (the portal judges them by the catalog's checks)",
  )
    .option(
      '--branch <branch>',
      "measure in this branch's sandbox (datamesh sandbox create), where the branch's pipeline built its tables",
    )
    .option(
      '--sql',
      "also run the specs' own sql checks (ODCS type: sql) with this connection's privileges: for a product's own pipeline, not for specs you do not trust",
    )
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], opts) => {
      result.code = await qualityCommand(files, opts, io);
    });

  const sandbox = program
    .command('sandbox')
    .description(
      "A feature branch's copy of a product's schemas (Snowflake: zero-copy clone): create, list, delete",
    );
  const sandboxOptions = (cmd: Command) =>
    cmd
      .argument('<spec-file>', 'spec of the product')
      .option(
        '--config <file>',
        'app-config file naming the warehouse and the naming rules; repeatable, later files win',
        collect,
        [] as string[],
      )
      .option(
        '--stage <stage>',
        "deployment stage whose schemas are copied; default: the platform's default stage",
      )
      .option(
        '--data-dir <dir>',
        'data directory of the embedded PGlite warehouse (default: dataMesh.warehouse.pglite.dataDir, else .data/warehouse)',
      );
  reportOptions(
    sandboxOptions(
      sandbox
        .command('create')
        .description(
          "Copy the product's schemas to <schema>_sbx_<branch>, marked as the branch's sandbox; the service role works in it, consumers get nothing",
        ),
    ),
  )
    .requiredOption('--branch <branch>', 'the feature branch')
    .option(
      '--layers <list>',
      'comma-separated layers to copy (raw, intermediate, output); default all',
    )
    .option('--replace', "drop the branch's existing sandbox first")
    .option(
      '--wait <duration>',
      'with --report-to: wait up to this long (e.g. 10m) for a branch the portal or another pipeline is changing, instead of stopping',
    )
    .option(
      '--write-env <file>',
      'append the sandbox\'s names as DATAMESH_*=value lines (e.g. "$GITHUB_ENV"), so the branch\'s pipeline writes to it',
    )
    .action(async (file: string, opts: SandboxOptions) => {
      result.code = await sandboxCommand('create', file, opts, io);
    });
  sandboxOptions(
    sandbox
      .command('list')
      .description("List the product's sandboxes: branch and schema"),
  ).action(async (file: string, opts: SandboxOptions) => {
    result.code = await sandboxCommand('list', file, opts, io);
  });
  reportOptions(
    sandboxOptions(
      sandbox
        .command('delete')
        .description(
          "Drop a branch's sandbox (or every one with --all); only schemas marked as the product's sandboxes",
        ),
    ),
  )
    .option('--branch <branch>', 'the branch whose sandbox to drop')
    .option('--all', 'drop every sandbox of the product')
    .option('--dry-run', 'list what would be dropped; drop nothing')
    .option(
      '--wait <duration>',
      'with --report-to: wait up to this long (e.g. 10m) for a branch the portal or another pipeline is changing, instead of leaving it',
    )
    .action(async (file: string, opts: SandboxOptions) => {
      result.code = await sandboxCommand('delete', file, opts, io);
    });

  return program;
}

/** Run the CLI on `argv` (as `process.argv`) and return the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const result = { code: 0 };
  const program = createProgram(io, result);
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    // commander has printed its own message (unknown option, missing
    // argument, --help, --version); keep its code: 0 for help and version
    const code = (e as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : EXIT_FAILED;
  }
  return result.code;
}
