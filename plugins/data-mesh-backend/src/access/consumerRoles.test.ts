import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  computeDesiredState,
  platformConfig,
} from '@datamesh/plugin-data-mesh-node';
import { sloProduct } from '../__testUtils__/warehouse';
import { consumerRoleResolver } from './consumerRoles';
import { teamRoleName } from './policy';

const platform = platformConfig({ organization: 'acme' });
const TEAM_ROLE = 'team_{group}';

const group = (name: string, namespace = 'default'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace },
  spec: { type: 'team', children: [] },
});

describe('consumerRoleResolver', () => {
  const churn = sloProduct('churn-model', 'marketing', []);
  const orders = sloProduct('orders', 'sales', []);
  const serviceRole = (p: typeof churn) =>
    computeDesiredState([p], platform).desired!.products[0].roles.service;

  function setUp(entities: Entity[]) {
    const listed: number[] = [];
    const catalog = catalogServiceMock({ entities });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const resolve = consumerRoleResolver({
      catalog,
      auth: mockServices.auth(),
      platform,
      teamRole: TEAM_ROLE,
      listProducts: async () => {
        listed.push(1);
        return [churn, orders];
      },
    });
    return { resolve, listed, getEntities };
  }

  it('names a team role by its group and a service role by its data product, and leaves other roles out', async () => {
    const { resolve, listed } = setUp([
      group('finance-claims'),
      group('care'),
      churn,
      orders,
    ]);
    const team = teamRoleName(TEAM_ROLE, platform, 'finance-claims');
    expect(team).toBe('team_finance_claims');
    const found = await resolve([team, serviceRole(churn), 'intern']);
    expect(Object.fromEntries(found)).toEqual({
      team_finance_claims: 'group:default/finance-claims',
      [serviceRole(churn)]: 'dataproduct:default/churn-model',
    });
    expect(listed).toHaveLength(1);
  });

  it('reads no data products when the groups name every role, and nothing at all for no role', async () => {
    const { resolve, listed, getEntities } = setUp([group('care')]);
    expect(Object.fromEntries(await resolve(['team_care']))).toEqual({
      team_care: 'group:default/care',
    });
    expect(listed).toHaveLength(0);
    expect(await resolve([])).toEqual(new Map());
    expect(getEntities).toHaveBeenCalledTimes(1);
  });

  it('leaves a team role two groups share (same name, two namespaces) unnamed rather than guess', async () => {
    const { resolve } = setUp([group('care'), group('care', 'partners')]);
    expect(await resolve(['team_care'])).toEqual(new Map());
  });
});
