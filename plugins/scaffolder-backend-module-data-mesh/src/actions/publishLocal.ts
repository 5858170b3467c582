import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  type LocalRepositoriesConfig,
  localRepositoryPath,
  publishLocalRepository,
} from '../localRepositories';
import { relativePathProblem, printable, resolveInside } from '../paths';
import type { Z } from './infraInputs';
import { examples } from './publishLocal.examples';

/**
 * `datamesh:publish:local` — the embedded default's `publish:*`: the
 * workspace becomes the first commit of a git repository in the configured
 * directory, one repository per product. Its `catalogInfoUrl` is a `file:`
 * URL that `catalog:register` can register, read by
 * {@link LocalRepositoriesUrlReader}.
 * @public
 */
export function createPublishLocalAction(options: {
  repositories: LocalRepositoriesConfig;
}) {
  const { directory } = options.repositories;
  return createTemplateAction({
    id: 'datamesh:publish:local',
    description:
      'Publishes the workspace as a new git repository in the local repositories directory of the portal',
    examples,
    schema: {
      input: {
        repoName: (z: Z) =>
          z.string({
            description:
              'Name of the repository directory: letters, digits, ".", "_", "-"',
          }),
        description: (z: Z) =>
          z
            .string({ description: "Written to the repository's description" })
            .optional(),
        defaultBranch: (z: Z) =>
          z.string({ description: 'Default main' }).optional(),
        sourcePath: (z: Z) =>
          z
            .string({
              description:
                'Directory of the workspace to publish, relative to it. Default: the whole workspace',
            })
            .optional(),
        catalogInfoPath: (z: Z) =>
          z
            .string({
              description:
                'Path of the catalog file inside the repository. Default catalog-info.yaml',
            })
            .optional(),
        gitCommitMessage: (z: Z) =>
          z.string({ description: 'Default "Initial commit"' }).optional(),
        gitAuthorName: (z: Z) =>
          z
            .string({
              description:
                "Default: the task user's display name, else Backstage Scaffolder",
            })
            .optional(),
        gitAuthorEmail: (z: Z) =>
          z
            .string({
              description:
                "Default: the task user's email, else scaffolder@backstage.local",
            })
            .optional(),
      },
      output: {
        remoteUrl: (z: Z) =>
          z.string({
            description:
              'file: URL of the repository on the portal host: git clone <remoteUrl>',
          }),
        path: (z: Z) =>
          z.string({ description: 'Absolute path of the repository' }),
        repoContentsUrl: (z: Z) =>
          z.string({ description: 'file: URL of the repository directory' }),
        catalogInfoUrl: (z: Z) =>
          z.string({
            description:
              'file: URL of the catalog file, for catalog:register (catalogInfoUrl)',
          }),
        commitHash: (z: Z) => z.string(),
        defaultBranch: (z: Z) => z.string(),
      },
    },
    async handler(ctx) {
      const { repoName } = ctx.input;
      // every path is checked before anything is written
      const target = localRepositoryPath(directory, repoName);
      const sourceDir = ctx.input.sourcePath
        ? resolveInside(ctx.workspacePath, ctx.input.sourcePath, 'sourcePath')
        : ctx.workspacePath;
      const catalogInfoPath = ctx.input.catalogInfoPath ?? 'catalog-info.yaml';
      const problem = relativePathProblem(catalogInfoPath.replace(/^\//, ''));
      if (problem) {
        throw new InputError(
          `catalogInfoPath '${printable(catalogInfoPath)}' ${problem}`,
        );
      }
      const profile = ctx.user?.entity?.spec?.profile;
      const author = {
        name: ctx.input.gitAuthorName ?? profile?.displayName,
        email: ctx.input.gitAuthorEmail ?? profile?.email,
      };

      const published = await ctx.checkpoint({
        key: `publish.local.${repoName}`,
        fn: async () => {
          ctx.logger.info(`Creating the git repository ${target}`);
          const r = await publishLocalRepository({
            directory,
            repoName,
            sourceDir,
            defaultBranch: ctx.input.defaultBranch,
            commitMessage: ctx.input.gitCommitMessage,
            description: ctx.input.description,
            author,
          });
          return { path: r.path, commitHash: r.commitHash, branch: r.branch };
        },
      });
      ctx.logger.info(
        `Published ${repoName} (${
          published.branch
        } at ${published.commitHash.slice(0, 12)}): git clone ${
          published.path
        }`,
      );
      ctx.output('remoteUrl', pathToFileURL(published.path).href);
      ctx.output('path', published.path);
      ctx.output('repoContentsUrl', `${pathToFileURL(published.path).href}/`);
      ctx.output(
        'catalogInfoUrl',
        pathToFileURL(
          path.join(published.path, catalogInfoPath.replace(/^\//, '')),
        ).href,
      );
      ctx.output('commitHash', published.commitHash);
      ctx.output('defaultBranch', published.branch);
    },
  });
}
