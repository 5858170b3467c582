/*
 * The example teams' roles in a real embedded warehouse (PGlite in a
 * temporary directory): named by the access service's template, created
 * once, and a name the template cannot make is refused before any query.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatIssue } from '@datamesh/plugin-data-mesh-common';
import {
  type PostgresWarehouseAdapter,
  createPgliteWarehouseAdapter,
} from '@datamesh/plugin-data-mesh-backend-module-postgres';
import { platformConfig } from '@datamesh/plugin-data-mesh-node';
import { readDataProductsOfLocation } from './files';
import { createTeamRoles, exampleTeams } from './teams';

const EXAMPLES = path.resolve(__dirname, '../../../examples');
const { entities, issues } = readDataProductsOfLocation(
  path.join(EXAMPLES, 'locations.yaml'),
);
const platform = platformConfig({ organization: 'eh' });

describe('the example teams’ roles', () => {
  let dir: string;
  let adapter: PostgresWarehouseAdapter;

  const teamRoles = async () =>
    (
      await adapter.connection.query<{ rolname: string }>(
        "select rolname from pg_roles where rolname like 'eh\\_team\\_%' order by rolname",
      )
    ).map(r => r.rolname);

  beforeAll(async () => {
    if (issues.length > 0) throw new Error(issues.map(formatIssue).join('\n'));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datamesh-example-teams-'));
    adapter = await createPgliteWarehouseAdapter({
      dataDir: path.join(dir, 'warehouse'),
    });
  }, 60_000);

  afterAll(async () => {
    await adapter?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are the owners of the example products', () => {
    expect(exampleTeams(entities)).toEqual([
      'group:default/clinical-care-data',
      'group:default/finance-claims-data',
      'group:default/population-health-analytics',
    ]);
  });

  it('are created once, named by the access template', async () => {
    const options = {
      adapter,
      platform,
      template: '{org}_team_{group}',
      teams: exampleTeams(entities),
    };
    const expected = [
      'eh_team_clinical_care_data',
      'eh_team_finance_claims_data',
      'eh_team_population_health_analytics',
    ];
    expect((await createTeamRoles(options)).sort()).toEqual(expected);
    expect(await teamRoles()).toEqual(expected);
    // a restart finds them and creates nothing
    expect(await createTeamRoles(options)).toEqual([]);
    expect(await teamRoles()).toEqual(expected);
  });

  it('refuses a template that makes no SQL identifier, creating nothing', async () => {
    await expect(
      createTeamRoles({
        adapter,
        platform,
        template: 'Team {group}',
        teams: ['group:default/lab-people'],
      }),
    ).rejects.toThrow(/not a lowercase SQL identifier/);
    expect(
      await adapter.connection.query(
        "select 1 from pg_roles where rolname ilike 'team%lab%'",
      ),
    ).toEqual([]);
  });
});
