import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  DATA_PRODUCT_RESOURCE_TYPE,
  dataMeshAccessRequestDecidePermission,
} from '@datamesh/plugin-data-mesh-common';
import {
  createDataProductConditionalDecision,
  dataProductConditions,
  dataProductPermissionResourceRef,
  isDataProductOwner,
} from './permissions';

const product = {
  entityRef: 'dataproduct:default/claims-by-provider',
  owner: 'group:default/finance-claims-data',
};

describe('isDataProductOwner', () => {
  it('applies: the owner among the claims, compared case-insensitively', () => {
    const claims = [
      'user:default/mei.chen',
      'group:default/Finance-Claims-Data',
    ];
    expect(isDataProductOwner.apply(product, { claims })).toBe(true);
    expect(
      isDataProductOwner.apply(product, {
        claims: ['group:default/clinical-care-data'],
      }),
    ).toBe(false);
    expect(isDataProductOwner.apply(product, { claims: [] })).toBe(false);
    // a product without an owner is nobody's
    expect(
      isDataProductOwner.apply({ entityRef: product.entityRef }, { claims }),
    ).toBe(false);
  });

  it('becomes a query on the owner column with lower-case refs', () => {
    expect(
      isDataProductOwner.toQuery({ claims: ['User:default/Mei.Chen'] }),
    ).toEqual({ property: 'owner', values: ['user:default/mei.chen'] });
  });

  it('validates its params, which the permission backend serialises as JSON schema', () => {
    const schema = isDataProductOwner.paramsSchema as any;
    expect(schema['~standard'].validate({ claims: ['a'] }).issues).toBe(
      undefined,
    );
    expect(
      schema['~standard'].validate({ claims: 'a' }).issues.length,
    ).toBeGreaterThan(0);
    // the permission backend's metadata lists the rule with these params
    expect(
      schema['~standard'].jsonSchema.input({ target: 'draft-07' }),
    ).toMatchObject({
      type: 'object',
      properties: { claims: { type: 'array', items: { type: 'string' } } },
      required: ['claims'],
    });
  });
});

describe('the condition exports', () => {
  const decision = createDataProductConditionalDecision(
    dataMeshAccessRequestDecidePermission,
    dataProductConditions.isDataProductOwner({
      claims: ['group:default/finance-claims-data'],
    }),
  );

  it('build a conditional decision for the data-mesh plugin', () => {
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'data-mesh',
      resourceType: DATA_PRODUCT_RESOURCE_TYPE,
      conditions: {
        rule: 'IS_DATA_PRODUCT_OWNER',
        resourceType: DATA_PRODUCT_RESOURCE_TYPE,
        params: { claims: ['group:default/finance-claims-data'] },
      },
    });
    expect(dataProductPermissionResourceRef.resourceType).toBe(
      DATA_PRODUCT_RESOURCE_TYPE,
    );
  });

  it('resolve against a loaded product and into store criteria', () => {
    const authorize = createConditionAuthorizer([isDataProductOwner]);
    expect(authorize(decision, product)).toBe(true);
    expect(
      authorize(decision, {
        entityRef: 'dataproduct:default/encounters',
        owner: 'group:default/clinical-care-data',
      }),
    ).toBe(false);
    const transform = createConditionTransformer([isDataProductOwner]);
    expect(
      transform({
        anyOf: [
          dataProductConditions.isDataProductOwner({
            claims: ['group:default/a'],
          }),
          { not: dataProductConditions.isDataProductOwner({ claims: ['b'] }) },
        ],
      }),
    ).toEqual({
      anyOf: [
        { property: 'owner', values: ['group:default/a'] },
        { not: { property: 'owner', values: ['b'] } },
      ],
    });
  });
});
