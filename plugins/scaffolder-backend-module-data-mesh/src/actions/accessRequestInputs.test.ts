/*
 * datamesh:access:request-inputs against a node:http server standing in
 * for the data-mesh backend (the template test runs it against the real
 * one): what it skips, what it reports and what fails the step.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  type SeenRequest,
  oamSpec,
  startStandInBackend,
  workspaceWith,
} from '../testing';
import { createAccessRequestInputsAction } from './accessRequestInputs';

/** The test product reading two ports of `orders` and one of `stock`, plus a source system. */
const SPEC = `${oamSpec('invoices', 'finance', {
  owner: 'group:default/billing',
})}  - name: orders-events
    type: input-port
    properties:
      associated_data_product:
        value: dataproduct:default/orders
      associated_output_port:
        value: events
  - name: orders-lines
    type: input-port
    properties:
      associated_data_product:
        value: orders
      associated_output_port:
        value: lines
  - name: stock-levels
    type: input-port
    properties:
      associated_data_product:
        value: dataproduct:default/stock
      associated_output_port:
        value: levels
  - name: erp
    type: input-port
    properties:
      port_type:
        value: dataset
      source:
        value: ERP ledger
`;

const CONSUMER = 'dataproduct:default/invoices';

describe('datamesh:access:request-inputs', () => {
  let backend: Awaited<ReturnType<typeof startStandInBackend>>;
  let base: string;
  /** What the stand-in received since the test began. */
  let seen: SeenRequest[];
  /** The list answers `listed`; a POST is answered by `answer`. */
  let listed: unknown[];
  let answer: (body: any) => { status: number; body: unknown };

  beforeAll(async () => {
    backend = await startStandInBackend(req =>
      req.method === 'GET'
        ? { status: 200, body: { items: listed } }
        : answer(req.body),
    );
    base = backend.base;
  });
  afterAll(() => backend.close());
  beforeEach(() => {
    backend.seen.length = 0;
    seen = backend.seen;
    listed = [];
  });

  /** The action with a catalog that has the product from the `found`-th lookup on. */
  function action(found = 1) {
    let lookups = 0;
    const catalog = {
      getEntityByRef: jest.fn(async () =>
        ++lookups >= found ? { kind: 'DataProduct' } : undefined,
      ),
    };
    return {
      catalog,
      action: createAccessRequestInputsAction({
        auth: mockServices.auth(),
        discovery: mockServices.discovery.mock({
          getBaseUrl: async () => base,
        }),
        catalog: catalog as any,
        pollMs: 10,
      }),
    };
  }

  const context = (input: Record<string, string | number | boolean> = {}) =>
    createMockActionContext({
      input,
      workspacePath: workspaceWith({ 'data_product_spec.yml': SPEC }),
    });

  it('asks for each upstream port on behalf of the product, once it is in the catalog, skipping what an open request covers', async () => {
    // a run before asked for orders/events already
    listed = [
      {
        id: 'r0',
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        consumer: CONSUMER,
        pii: false,
        state: 'pending',
      },
      // another consumer's request covers nothing of this product's
      {
        id: 'x',
        product: 'dataproduct:default/stock',
        outputPort: 'levels',
        consumer: 'group:default/billing',
        pii: false,
        state: 'active',
      },
    ];
    answer = body =>
      body.outputPort === 'lines'
        ? { status: 201, body: { id: 'r1', state: 'pending' } }
        : { status: 201, body: { id: 'r2', state: 'active' } };
    const { action: a, catalog } = action(3);
    const ctx = context({ purpose: 'Invoice matching' });
    await a.handler(ctx as any);

    expect(catalog.getEntityByRef).toHaveBeenCalledTimes(3);
    expect(catalog.getEntityByRef).toHaveBeenCalledWith(
      CONSUMER,
      expect.anything(),
    );
    expect(seen.map(s => `${s.method} ${s.url}`)).toEqual([
      `GET /api/data-mesh/access-requests?ours=true&consumer=${encodeURIComponent(
        CONSUMER,
      )}`,
      'POST /api/data-mesh/access-requests',
      'POST /api/data-mesh/access-requests',
    ]);
    expect(seen.every(s => /^Bearer .+/.test(s.auth ?? ''))).toBe(true);
    expect(seen.slice(1).map(s => s.body)).toEqual([
      {
        product: 'dataproduct:default/orders',
        outputPort: 'lines',
        consumer: CONSUMER,
        purpose: 'Invoice matching',
      },
      {
        product: 'dataproduct:default/stock',
        outputPort: 'levels',
        consumer: CONSUMER,
        purpose: 'Invoice matching',
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('requests', [
      {
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        outcome: 'already-open',
        id: 'r0',
        message: 'request r0 is pending',
      },
      {
        product: 'dataproduct:default/orders',
        outputPort: 'lines',
        outcome: 'requested',
        id: 'r1',
      },
      {
        product: 'dataproduct:default/stock',
        outputPort: 'levels',
        outcome: 'active',
        id: 'r2',
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('pending', 1);
  });

  it("reports the backend's refusal of a port and goes on; asks again for personal data on top of a plain request", async () => {
    listed = [
      {
        id: 'r0',
        product: 'dataproduct:default/orders',
        outputPort: 'events',
        consumer: CONSUMER,
        pii: false,
        state: 'active',
      },
    ];
    answer = body =>
      body.product === 'dataproduct:default/stock'
        ? {
            status: 403,
            body: {
              error: {
                message: `consumer: ${CONSUMER} is not owned by one of your groups`,
              },
            },
          }
        : {
            status: 201,
            body: { id: `r-${body.outputPort}`, state: 'pending' },
          };
    const { action: a } = action();
    const ctx = context({ pii: true, duration: '365d' });
    await a.handler(ctx as any);
    const posted = seen.filter(s => s.method === 'POST').map(s => s.body);
    expect(posted.map(b => [b.outputPort, b.pii, b.duration])).toEqual([
      ['events', true, '365d'],
      ['lines', true, '365d'],
      ['levels', true, '365d'],
    ]);
    // the default purpose names the product and, without a description
    // of the input, says what the product is
    expect(posted[0].purpose).toBe('Input of invoices: Test product invoices.');
    expect(ctx.output).toHaveBeenCalledWith(
      'requests',
      expect.arrayContaining([
        {
          product: 'dataproduct:default/stock',
          outputPort: 'levels',
          outcome: 'refused',
          message: `consumer: ${CONSUMER} is not owned by one of your groups`,
        },
      ]),
    );
    expect(ctx.output).toHaveBeenCalledWith('pending', 2);
  });

  it("asks for personal data in clear only on the inputs whose spec says so, each for the input's purpose", async () => {
    answer = body => ({
      status: 201,
      body: { id: `r-${body.outputPort}`, state: 'pending' },
    });
    const spec = `${oamSpec('invoices', 'finance', {
      owner: 'group:default/billing',
    })}  - name: customers
    type: input-port
    properties:
      description:
        value: Names and addresses to print on the invoices
      associated_data_product:
        value: crm
      associated_output_port:
        value: customers
      personal_data_in_clear:
        value: Yes
  - name: orders-lines
    type: input-port
    properties:
      associated_data_product:
        value: orders
      associated_output_port:
        value: lines
`;
    const ctx = createMockActionContext({
      input: {},
      workspacePath: workspaceWith({ 'data_product_spec.yml': spec }),
    });
    await action().action.handler(ctx as any);
    const posted = seen.filter(s => s.method === 'POST').map(s => s.body);
    expect(
      posted.map(b => [b.product, b.outputPort, b.pii === true, b.purpose]),
    ).toEqual([
      [
        'dataproduct:default/crm',
        'customers',
        true,
        'Input of invoices: Names and addresses to print on the invoices',
      ],
      [
        'dataproduct:default/orders',
        'lines',
        false,
        'Input of invoices: Test product invoices.',
      ],
    ]);
  });

  it('fails the step when the backend fails; reports a product the catalog has not read in time', async () => {
    answer = () => ({
      status: 500,
      body: { error: { message: 'database is locked' } },
    });
    await expect(action().action.handler(context() as any)).rejects.toThrow(
      "the data-mesh backend failed to take the request for dataproduct:default/orders port 'events' (500): database is locked",
    );

    seen.length = 0;
    const slow = context({ catalogWaitSeconds: 0 });
    await action(Infinity).action.handler(slow as any);
    expect(seen).toEqual([]);
    const message = `${CONSUMER} is not in the catalog after 0 s: ask from its page (Input ports) once it is`;
    expect(slow.output).toHaveBeenCalledWith(
      'requests',
      [
        ['dataproduct:default/orders', 'events'],
        ['dataproduct:default/orders', 'lines'],
        ['dataproduct:default/stock', 'levels'],
      ].map(([product, outputPort]) => ({
        product,
        outputPort,
        outcome: 'not-asked',
        message,
      })),
    );
    expect(slow.output).toHaveBeenCalledWith('pending', 0);
  });

  it('asks once for an upstream port two input ports read', async () => {
    answer = body => ({
      status: 201,
      body: {
        id: 'r1',
        product: body.product,
        outputPort: body.outputPort,
        consumer: body.consumer,
        pii: false,
        state: 'pending',
        history: [],
      },
    });
    const twice = `${SPEC}  - name: orders-events-again
    type: input-port
    properties:
      associated_data_product:
        value: dataproduct:default/orders
      associated_output_port:
        value: events
`;
    const ctx = createMockActionContext({
      input: {},
      workspacePath: workspaceWith({ 'data_product_spec.yml': twice }),
    });
    await action().action.handler(ctx as any);
    const posted = seen.filter(s => s.method === 'POST').map(s => s.body);
    expect(posted.map(b => `${b.product} ${b.outputPort}`)).toEqual([
      'dataproduct:default/orders events',
      'dataproduct:default/orders lines',
      'dataproduct:default/stock levels',
    ]);
    const outcomes = (ctx.output as jest.Mock).mock.calls.find(
      ([name]) => name === 'requests',
    )![1];
    expect(outcomes.at(-1)).toMatchObject({
      product: 'dataproduct:default/orders',
      outputPort: 'events',
      outcome: 'already-open',
      id: 'r1',
    });
  });

  it('asks nothing for a product that reads no other product', async () => {
    const { action: a, catalog } = action();
    const ctx = createMockActionContext({
      input: {},
      workspacePath: workspaceWith({
        'data_product_spec.yml': oamSpec('invoices', 'finance'),
      }),
    });
    await a.handler(ctx as any);
    expect(catalog.getEntityByRef).not.toHaveBeenCalled();
    expect(seen).toEqual([]);
    expect(ctx.output).toHaveBeenCalledWith('requests', []);
  });
});
