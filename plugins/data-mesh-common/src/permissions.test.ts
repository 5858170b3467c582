import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  DATA_PRODUCT_RESOURCE_TYPE,
  dataMeshAccessRequestCreatePermission,
  dataMeshPermissions,
} from './permissions';

describe('data-mesh permissions', () => {
  it('are named once, under data-mesh., and decided per data product except requesting', () => {
    const names = dataMeshPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every(n => n.startsWith('data-mesh.'))).toBe(true);
    expect(
      dataMeshPermissions.filter(
        p => !isResourcePermission(p, DATA_PRODUCT_RESOURCE_TYPE),
      ),
    ).toEqual([dataMeshAccessRequestCreatePermission]);
    expect(names).toEqual(
      expect.arrayContaining([
        'data-mesh.access-request.create',
        'data-mesh.access-request.decide',
        'data-mesh.access-request.read',
        'data-mesh.access.revoke',
        'data-mesh.access.extend',
        'data-mesh.access.repair',
        'data-mesh.product.retire',
        'data-mesh.sandbox.create',
        'data-mesh.sandbox.delete',
        'data-mesh.infrastructure.leftover.drop',
        'data-mesh.infrastructure.apply',
        'data-mesh.slo.observation.create',
      ]),
    );
  });
});
