'use strict';

/*
 * The local git repository the Create flow published: cloned with the
 * command its task page shows, it has one real commit with the spec, the
 * catalog file, the deploy file and the dbt project, and the spec carries the
 * form's values.
 */

const fs = require('node:fs');
const path = require('node:path');
const { check, git, requireFrom } = require('../harness/scenario');
const createDataProduct = require('./create-data-product');

/** What data_product_spec.yml lacks of the form's values. */
function specProblems(spec, created) {
  const upstreamRef = `dataproduct:default/${created.upstream}`;
  const component = type =>
    (spec.components ?? []).filter(c => c.type === type);
  const problems = [];
  if (component('domain')[0]?.name !== created.domain) problems.push('domain');
  if (component('data-product')[0]?.name !== created.product)
    problems.push('name');
  const dataset = component('data-set')[0];
  const columnNames = (dataset?.properties?.columns?.value ?? []).map(
    c => c.name,
  );
  if (
    dataset?.name !== 'readmissions' ||
    !created.columns.every(c => columnNames.includes(c.name))
  ) {
    problems.push(`dataset (${dataset?.name}: ${columnNames.join(', ')})`);
  }
  if (
    !component('input-port').some(
      c => c.properties?.associated_data_product?.value === upstreamRef,
    )
  ) {
    problems.push(`input port from ${upstreamRef}`);
  }
  if (
    !component('service-level-asset').some(
      c => c.properties?.max_age?.value === '12h',
    )
  ) {
    problems.push('freshness 12h');
  }
  return problems;
}

module.exports = {
  name: 'local-repository',
  description: 'the created product repository clones, with the spec',
  needs: [createDataProduct],
  async run({ dirs, outputOf }) {
    const created = outputOf(createDataProduct);
    await check(
      'the local repository clones, with one real commit and the spec',
      async () => {
        if (!fs.existsSync(path.join(created.repoPath, '.git'))) {
          throw new Error(`${created.repoPath} is not a git repository`);
        }
        // the command the task page shows, run as shown
        const cloneDir = path.join(dirs.state, 'clone');
        const [, , url] = created.cloneCommand.split(' ');
        git(dirs.state, 'clone', '--quiet', url, cloneDir);
        const commits = git(cloneDir, 'log', '--format=%H %s').split('\n');
        if (commits.length !== 1 || !/^[0-9a-f]{40} \S/.test(commits[0])) {
          throw new Error(`unexpected history:\n  ${commits.join('\n  ')}`);
        }
        const head = git(created.repoPath, 'rev-parse', 'HEAD');
        if (!commits[0].startsWith(head)) {
          throw new Error(
            `clone is at ${commits[0]}, the repository at ${head}`,
          );
        }
        const files = git(cloneDir, 'ls-files').split('\n');
        for (const file of [
          'data_product_spec.yml',
          'catalog-info.yaml',
          'data_product_deploy.yml',
          'dbt/dbt_project.yml',
          'dbt/models/output/readmissions.sql',
        ]) {
          if (!files.includes(file)) {
            throw new Error(`${file} is not committed`);
          }
        }
        // the spec carries the form's values
        const YAML = requireFrom('plugins/data-mesh-common', 'yaml');
        const spec = YAML.parse(
          fs.readFileSync(path.join(cloneDir, 'data_product_spec.yml'), 'utf8'),
        );
        const problems = specProblems(spec, created);
        if (problems.length) {
          throw new Error(
            `data_product_spec.yml lacks: ${problems.join('; ')}`,
          );
        }
      },
    );
  },
};

if (require.main === module) {
  require('../harness').runScenarios([module.exports]);
}
