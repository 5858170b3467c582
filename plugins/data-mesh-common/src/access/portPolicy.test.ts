import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { stringify } from 'yaml';
import odps110 from '../schema/standards/odps-json-schema-v1.1.0.json';
import odcs310 from '../schema/standards/odcs-json-schema-v3.1.0.json';
import { formatIssue } from '../issues';
import { readDataProductSpec } from '../read';
import { validateDataProductEntity } from '../entity';
import { toEntityDocument, toOamSpec, toOdps } from '../export';
import type { DataProductEntityV1alpha1, OutputPort } from '../model';
import {
  approverRefs,
  autoApproves,
  portAccessPolicy,
  portApproverLevels,
  portApprovers,
} from './portPolicy';

const D = 86_400_000;

// ---------------------------------------------------------------- OAM

function oam(portProperties: string): string {
  return `apiVersion: core.oam.dev/v1beta1
kind: DataProduct
components:
  - name: Clinical
    type: domain
  - name: visits
    type: data-product
    properties:
      data_product_owner: { value: clinical-data }
      data_product_type: { value: Aggregate }
      certified: { value: 'No' }
  - name: visits
    type: data-set
    properties:
      table_name: { value: DB.VISITS.VISITS }
  - name: visits-sql
    type: output-port
    properties:
      port_type: { value: sql }
${portProperties}`;
}
const readOam = (text: string) =>
  readDataProductSpec(text, { file: 'data_product_spec.yml', format: 'oam' });

describe('OAM access property of an output port', () => {
  it('reads the policy with the value rules, in either key spelling, plain or wrapped', () => {
    const wrapped = readOam(
      oam(`      access:
        value:
          approval: Auto
          auto_approve: same domain
          default_duration: 30 days
          maxDuration: 90d
          pii: deny
          roles:
            - role: clinical_reader
              access: read
              first_level_approvers: Clinical data lead
              secondLevelApprovers: Privacy office
`),
    );
    expect(wrapped.issues.map(formatIssue)).toEqual([]);
    expect(wrapped.entity?.spec.outputPorts?.[0].access).toEqual({
      approval: 'auto',
      autoApprove: 'same-domain',
      defaultDuration: '30d',
      maxDuration: '90d',
      pii: 'deny',
      roles: [
        {
          role: 'clinical_reader',
          access: 'read',
          firstLevelApprovers: 'Clinical data lead',
          secondLevelApprovers: 'Privacy office',
        },
      ],
    });

    const plain = readOam(
      oam(`      access:
        maxDuration: 2 weeks
`),
    );
    expect(plain.issues).toEqual([]);
    expect(plain.entity?.spec.outputPorts?.[0].access).toEqual({
      maxDuration: '2w',
    });
  });

  it('reports each bad value at its own key and line, and accepts no entity', () => {
    const result = readOam(
      oam(`      access:
        value:
          approval: whenever
          maxDuration: forever
          pi: deny
          roles:
            - access: read
`),
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      "data_product_spec.yml: components[3].properties.access.value.pi: unknown field 'pi' in access; known fields are approval, autoApprove, defaultDuration, maxDuration, pii, roles (line 24, column 15)",
      "data_product_spec.yml: components[3].properties.access.value.approval: approval 'whenever' is not one of owner, auto (line 22, column 21)",
      "data_product_spec.yml: components[3].properties.access.value.maxDuration: maxDuration 'forever' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h (line 23, column 24)",
      'data_product_spec.yml: components[3].properties.access.value.roles[0]: a role needs role: the name of the role that gives access (line 26, column 15)',
    ]);
  });

  it('reports a policy that contradicts itself where the author wrote it', () => {
    const result = readOam(
      oam(`      access:
        defaultDuration: 120 days
        maxDuration: 90 days
        autoApprove: any
`),
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      'data_product_spec.yml: components[3].properties.access.defaultDuration: defaultDuration 120d is longer than maxDuration 90d; a request without a duration could never be granted (line 21, column 26)',
      'data_product_spec.yml: components[3].properties.access.autoApprove: autoApprove says whose requests are approved automatically, but approval is owner (the default); add approval: auto or remove autoApprove (line 23, column 22)',
    ]);
  });

  it('says what access must be when it is not a mapping', () => {
    const result = readOam(oam(`      access: { value: auto }\n`));
    expect(result.issues.map(formatIssue)).toEqual([
      "data_product_spec.yml: components[3].properties.access.value: access must be a mapping with approval, autoApprove, defaultDuration, maxDuration, pii or roles, not 'auto' (line 20, column 24)",
    ]);
  });
});

// ---------------------------------------------------------------- ODPS + ODCS

function odps(portCustomProperties: string, contractId = 'visits-contract') {
  return `apiVersion: v1.1.0
kind: DataProduct
id: visits-product
name: visits
status: active
domain: clinical
type: aggregate
customProperties:
  - { property: owner, value: group:default/clinical-data }
outputPorts:
  - name: visits-sql
    type: sql
    version: 1.0.0
    contractId: ${contractId}
${portCustomProperties}`;
}
function odcs(roles: string) {
  return `apiVersion: v3.1.0
kind: DataContract
id: visits-contract
version: 1.0.0
status: active
schema:
  - name: visits
    properties:
      - { name: visit_id, logicalType: string }
${roles}`;
}
const readOdps = (productText: string, contractText: string) =>
  readDataProductSpec(productText, {
    file: 'visits.odps.yaml',
    contracts: [{ text: contractText, file: 'visits.odcs.yaml' }],
  });

const ODCS_ROLES = `roles:
  - role: clinical_reader
    access: read
    firstLevelApprovers: Clinical data lead
    secondLevelApprovers: na
  - role: clinical_writer
    access: write
    firstLevelApprovers: Platform team
`;

describe('ODPS port policy and ODCS roles', () => {
  it("reads the port's access custom property and gives the port its contract's roles", () => {
    const result = readOdps(
      odps(`    customProperties:
      - property: access
        value: { approval: auto, autoApprove: any, maxDuration: 180 days }
`),
      odcs(ODCS_ROLES),
    );
    expect(result.issues.map(formatIssue)).toEqual([]);
    expect(result.entity?.spec.outputPorts?.[0].access).toEqual({
      approval: 'auto',
      autoApprove: 'any',
      maxDuration: '180d',
      roles: [
        {
          role: 'clinical_reader',
          access: 'read',
          firstLevelApprovers: 'Clinical data lead',
          secondLevelApprovers: 'na',
        },
        {
          role: 'clinical_writer',
          access: 'write',
          firstLevelApprovers: 'Platform team',
        },
      ],
    });
  });

  it('gives a port without a policy of its own the roles of its contract', () => {
    const result = readOdps(odps(''), odcs(ODCS_ROLES));
    expect(result.issues).toEqual([]);
    expect(
      result.entity?.spec.outputPorts?.[0].access?.roles?.map(r => r.role),
    ).toEqual(['clinical_reader', 'clinical_writer']);
  });

  it('reports a bad policy in the product file and a bad role in the contract, each located', () => {
    const result = readOdps(
      odps(`    customProperties:
      - property: access
        value: { pii: sometimes, defaultDuration: 1.5d }
`),
      odcs(`roles:
  - role: ' '
  - { role: ok, access: 7 }
`),
    );
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(formatIssue)).toEqual([
      "visits.odps.yaml: outputPorts[0].customProperties[0].value.pii: pii 'sometimes' is not one of owner, deny (line 17, column 23)",
      "visits.odps.yaml: outputPorts[0].customProperties[0].value.defaultDuration: defaultDuration '1.5d' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h (line 17, column 51)",
      // the standard's own schema says that access must be text (once) ...
      'visits.odcs.yaml: roles[1].access: must be a string, not a number (ODCS v3.1.0 schema) (line 12, column 25)',
      // ... and the reader what the schema cannot
      "visits.odcs.yaml: roles[0].role: role must be non-empty text, not ' ' (line 11, column 11)",
    ]);
  });

  it('warns when a contract names roles but no output port serves it', () => {
    const result = readOdps(odps('', 'another-contract'), odcs(ODCS_ROLES));
    expect(
      result.issues
        .filter(i => i.file === 'visits.odcs.yaml')
        .map(i => [i.severity, formatIssue(i)]),
    ).toEqual([
      [
        'warning',
        "visits.odcs.yaml: roles: roles say who approves access to the output ports that serve this contract, but no output port has contractId 'visits-contract', so they are not used (line 11, column 3)",
      ],
    ]);
  });
});

// ---------------------------------------------------------------- entity

function product(ports: OutputPort[]): DataProductEntityV1alpha1 {
  return {
    apiVersion: 'datamesh.dev/v1alpha1',
    kind: 'DataProduct',
    metadata: { name: 'visits' },
    spec: {
      type: 'aggregate',
      lifecycle: 'production',
      owner: 'group:default/clinical-data',
      domain: 'domain:default/clinical',
      certified: true,
      datasets: [
        { name: 'visits', columns: [{ name: 'visit_id', type: 'string' }] },
        { name: 'wards', columns: [{ name: 'ward_id', type: 'string' }] },
      ],
      outputPorts: ports,
    },
  };
}
const reader = {
  role: 'clinical_reader',
  access: 'read',
  firstLevelApprovers: 'Clinical data lead',
};
const writer = { role: 'clinical_writer', access: 'write' };

describe('the native entity', () => {
  it('takes only the canonical values, with located messages', () => {
    const text = stringify(
      product([
        {
          name: 'visits-sql',
          type: 'sql',
          dataset: 'visits',
          access: {
            approval: 'sometimes',
            maxDuration: '3 months',
            roles: [{ access: 'read' }],
            owner: 'me',
          } as any,
        },
      ]),
    );
    const result = readDataProductSpec(text, { file: 'catalog-info.yaml' });
    expect(result.entity).toBeUndefined();
    expect(result.issues.map(i => `${i.path}: ${i.message}`)).toEqual([
      "spec.outputPorts[0].access.owner: unknown field 'owner'; expected one of approval, autoApprove, defaultDuration, maxDuration, pii, roles",
      "spec.outputPorts[0].access.approval: 'sometimes' is not one of owner, auto",
      "spec.outputPorts[0].access.maxDuration: '3 months' is not a duration; write a whole number and a unit (m, h, d or w), e.g. 20d, 1d or 24h",
      "spec.outputPorts[0].access.roles[0]: missing required field 'role'",
    ]);
  });

  it('applies the rules across fields to entities from any source', () => {
    const entity = product([
      {
        name: 'visits-sql',
        type: 'sql',
        access: {
          approval: 'owner',
          autoApprove: 'any',
          defaultDuration: '2w',
          maxDuration: '7d',
        },
      },
    ]);
    expect(validateDataProductEntity(entity).map(i => i.path)).toEqual([
      'spec.outputPorts[0].access.defaultDuration',
      'spec.outputPorts[0].access.autoApprove',
    ]);
  });
});

// ---------------------------------------------------------------- writing

const ajv = new Ajv2019({
  allErrors: true,
  strict: true,
  strictRequired: false,
});
addFormats(ajv);
const validateOdps = ajv.compile(odps110);
const validateOdcs = ajv.compile(odcs310);

describe('the exporters write the policy back', () => {
  // Two ports share the visits contract with the same roles, so the roles
  // are the contract's; the wards ports disagree, so each keeps its own.
  const entity = product([
    {
      name: 'visits-sql',
      type: 'sql',
      dataset: 'visits',
      access: {
        approval: 'auto',
        autoApprove: 'same-domain',
        defaultDuration: '30d',
        maxDuration: '90d',
        pii: 'deny',
        roles: [reader, writer],
      },
    },
    {
      name: 'visits-files',
      type: 'file',
      dataset: 'visits',
      access: { roles: [reader, writer] },
    },
    {
      name: 'wards-sql',
      type: 'sql',
      dataset: 'wards',
      access: { maxDuration: '1w', roles: [reader] },
    },
    { name: 'wards-api', type: 'api', dataset: 'wards' },
  ]);

  it('is a valid entity to begin with', () => {
    expect(validateDataProductEntity(entity)).toEqual([]);
  });

  it('ODPS: roles shared by every port of a dataset go to its ODCS contract; both documents pass the official schemas and read back the same', () => {
    const exported = toOdps(entity);
    expect(validateOdps(exported.product)).toBe(true);
    for (const { contract } of exported.contracts) {
      expect([validateOdcs(contract), validateOdcs.errors]).toEqual([
        true,
        null,
      ]);
    }
    const [visits, wards] = exported.contracts.map(c => c.contract);
    expect(visits.roles).toEqual([reader, writer]);
    expect(wards.roles).toBeUndefined();
    const ports = exported.product.outputPorts as any[];
    expect(ports.map(p => p.customProperties)).toEqual([
      [
        {
          property: 'access',
          value: {
            approval: 'auto',
            autoApprove: 'same-domain',
            defaultDuration: '30d',
            maxDuration: '90d',
            pii: 'deny',
          },
        },
      ],
      undefined,
      [{ property: 'access', value: { maxDuration: '1w', roles: [reader] } }],
      undefined,
    ]);

    const back = readDataProductSpec(stringify(exported.product), {
      file: 'visits.odps.yaml',
      contracts: exported.contracts.map(c => ({
        text: stringify(c.contract),
        file: `${c.dataset}.odcs.yaml`,
      })),
    });
    expect(back.issues).toEqual([]);
    expect(back.entity?.spec.outputPorts).toEqual(entity.spec.outputPorts);
  });

  it('OAM: the access property of each output port reads back the same', () => {
    const back = readOam(stringify(toOamSpec(entity)));
    expect(back.issues).toEqual([]);
    expect(back.entity?.spec.outputPorts).toEqual(entity.spec.outputPorts);
  });

  it('entity: the policy is part of the document', () => {
    const back = readDataProductSpec(stringify(toEntityDocument(entity)), {
      file: 'catalog-info.yaml',
    });
    expect(back.issues).toEqual([]);
    expect(back.entity?.spec.outputPorts).toEqual(entity.spec.outputPorts);
  });
});

// ---------------------------------------------------------------- meaning

describe('portAccessPolicy', () => {
  it('gives the defaults for a port without a policy: the owner decides, the platform sets durations', () => {
    expect(portAccessPolicy({})).toEqual({
      approval: 'owner',
      pii: 'owner',
      roles: [],
    });
  });

  it('gives durations in milliseconds, the default never above the maximum', () => {
    expect(
      portAccessPolicy({
        access: {
          approval: 'auto',
          defaultDuration: '12w',
          maxDuration: '30d',
          pii: 'deny',
        },
      }),
    ).toEqual({
      approval: 'auto',
      autoApprove: 'same-domain',
      defaultDurationMs: 30 * D,
      maxDurationMs: 30 * D,
      pii: 'deny',
      roles: [],
    });
    expect(
      portAccessPolicy({ access: { defaultDuration: '12h' } }),
    ).toMatchObject({ defaultDurationMs: D / 2 });
  });

  it("approves automatically only non-PII requests in scope or of the product's own team", () => {
    const sameDomain = portAccessPolicy({ access: { approval: 'auto' } });
    const any = portAccessPolicy({
      access: { approval: 'auto', autoApprove: 'any' },
    });
    const owner = portAccessPolicy({ access: { approval: 'owner' } });
    const cases = [
      [sameDomain, { pii: false, sameDomain: true }, true],
      [sameDomain, { pii: false, sameDomain: false }, false],
      [sameDomain, { pii: true, sameDomain: true }, false],
      [any, { pii: false, sameDomain: false }, true],
      [any, { pii: true, sameDomain: false }, false],
      [owner, { pii: false, sameDomain: true }, false],
      // the product's own team reads what it owns, whatever the port says
      [owner, { pii: false, sameDomain: false, sameTeam: true }, true],
      [owner, { pii: true, sameDomain: true, sameTeam: true }, false],
      [owner, { pii: false, sameDomain: true, sameTeam: false }, false],
    ] as const;
    for (const [rules, request, expected] of cases) {
      expect([
        rules.approval,
        rules.autoApprove,
        request,
        autoApproves(rules, request),
      ]).toEqual([rules.approval, rules.autoApprove, request, expected]);
    }
  });
});

describe('portApprovers', () => {
  it('takes the user and group refs of both levels, leaving free text to people', () => {
    expect(
      approverRefs(
        'group:Clinical-Leads, Reporting Manager, user:default/Jane',
      ),
    ).toEqual(['group:default/clinical-leads', 'user:default/jane']);
    expect(approverRefs('component:default/x, team-a, user:')).toEqual([]);
    expect(approverRefs(undefined)).toEqual([]);
    expect(
      portApprovers({
        access: {
          roles: [
            {
              role: 'readers',
              firstLevelApprovers: 'group:default/clinical-leads',
              secondLevelApprovers: 'user:ops/dana, Data protection officer',
            },
            { role: 'auditors', firstLevelApprovers: 'group:clinical-leads' },
          ],
        },
      }),
    ).toEqual(['group:default/clinical-leads', 'user:ops/dana']);
    expect(portApprovers({})).toEqual([]);
  });

  it('keeps the two levels apart: who approves first, who second', () => {
    const roles = [
      {
        role: 'readers',
        firstLevelApprovers: 'group:default/clinical-leads',
        secondLevelApprovers: 'group:information-governance, DPO',
      },
      {
        role: 'auditors',
        firstLevelApprovers: 'user:jane, group:Clinical-Leads',
        secondLevelApprovers: 'group:default/information-governance',
      },
    ];
    expect(portApproverLevels({ access: { roles } })).toEqual({
      first: ['group:default/clinical-leads', 'user:default/jane'],
      second: ['group:default/information-governance'],
    });
    // a second level in words only chains nothing
    expect(
      portApproverLevels({
        access: {
          roles: [
            { role: 'r', secondLevelApprovers: 'Information Governance' },
          ],
        },
      }),
    ).toEqual({ first: [], second: [] });
    expect(portApproverLevels({})).toEqual({ first: [], second: [] });
  });
});
