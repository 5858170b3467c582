import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import type {
  GovernanceProductResponse,
  GovernanceSummaryResponse,
} from '@datamesh/plugin-data-mesh-common';
import { patientEncounters } from '../../__testUtils__/fixtures';
import { BASE_URL, jsonResponse } from '../../__testUtils__/fakeBackend';
import { renderForEntity } from '../../__testUtils__/render';
import { accessRequest } from '../../__testUtils__/fakeAccessBackend';
import { formatExpiry } from '../access/rules';
import { DataMeshClient, dataMeshApiRef } from '../../api';
import userEvent from '@testing-library/user-event';
import { CompliancePage } from './CompliancePage';
import { registerCsv } from './PersonalDataAccessCard';
import { GovernanceCard } from './GovernanceCard';

function backend(routes: Record<string, unknown>) {
  const requests: string[] = [];
  const fetchApi = {
    fetch: async (input: RequestInfo | URL) => {
      const url = String(input);
      requests.push(url);
      const path = url.slice(BASE_URL.length);
      return path in routes
        ? jsonResponse(routes[path])
        : jsonResponse({ error: { message: `no route ${path}` } }, 404);
    },
  };
  const discoveryApi = { getBaseUrl: async () => BASE_URL };
  return {
    requests,
    apis: [
      [fetchApiRef, fetchApi],
      [discoveryApiRef, discoveryApi],
      [dataMeshApiRef, new DataMeshClient({ discoveryApi, fetchApi })],
    ] as any,
  };
}

const source = { kind: 'builtin' as const, location: 'builtin' };
const report: GovernanceProductResponse = {
  entityRef: 'dataproduct:default/patient-encounters',
  stage: 'prod',
  ok: false,
  counts: { pass: 1, warn: 1, fail: 1, 'not-evaluated': 0 },
  evaluatedAt: '2026-01-01T00:00:00.000Z',
  ruleProblems: [
    "rules.yaml: rules[0].expression: rule 'x' does not compile: Unexpected token: EOF (line 3, column 17)",
  ],
  results: [
    {
      ruleId: 'slo-defined',
      status: 'pass',
      level: 'error',
      message: 'Every data product has at least one SLO',
      source,
    },
    {
      ruleId: 'tags-later',
      status: 'warn',
      level: 'warn',
      message: 'Tag the product',
      detail: 'an error from 2999-01-01; a warning until then',
      source,
    },
    {
      ruleId: 'pii-classified',
      status: 'fail',
      level: 'error',
      message: 'PII columns must be confidential or restricted',
      link: 'https://example.com/pii',
      source,
    },
  ],
};

describe('GovernanceCard', () => {
  it('lists every rule with its status, message and link, failures first, and the broken rules', async () => {
    const { apis, requests } = backend({
      '/governance?product=dataproduct%3Adefault%2Fpatient-encounters': report,
    });
    await renderForEntity(patientEncounters as any, <GovernanceCard />, {
      apis,
    });
    const table = await screen.findByRole('table', {
      name: 'Governance policies',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'failpii-classified, Opens in a new windowPII columns must be confidential or restricted',
      'warntags-laterTag the productan error from 2999-01-01; a warning until then',
      'passslo-definedEvery data product has at least one SLO',
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: /^pii-classified/ }),
    ).toHaveAttribute('href', 'https://example.com/pii');
    expect(
      screen.getByText(/Stage prod: 1 passed, 1 warnings, 1 failed/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Broken rule: rules\.yaml: .*line 3/),
    ).toBeInTheDocument();
    expect(requests).toEqual([
      `${BASE_URL}/governance?product=dataproduct%3Adefault%2Fpatient-encounters`,
    ]);
  });

  it('says when the results cannot be loaded', async () => {
    const { apis } = backend({});
    await renderForEntity(patientEncounters as any, <GovernanceCard />, {
      apis,
    });
    expect(
      await screen.findByText(
        /Governance results could not be loaded: no route/,
      ),
    ).toBeInTheDocument();
  });
});

describe('CompliancePage', () => {
  it('shows compliance per domain with the rules that have the most problems', async () => {
    const summary: GovernanceSummaryResponse = {
      ruleProblems: [],
      domains: [
        {
          domain: 'domain:default/claims',
          products: 4,
          compliant: 3,
          counts: { pass: 20, warn: 2, fail: 1, 'not-evaluated': 1 },
          rules: [
            { ruleId: 'slo-defined', fail: 0, warn: 2 },
            { ruleId: 'pii-classified', fail: 1, warn: 0 },
            { ruleId: 'owner-is-group', fail: 1, warn: 1 },
            { ruleId: 'has-description', fail: 0, warn: 0 },
          ],
        },
        {
          domain: '(no domain)',
          products: 1,
          compliant: 1,
          counts: { pass: 6, warn: 0, fail: 0, 'not-evaluated': 0 },
          rules: [],
        },
      ],
    };
    const { apis } = backend({
      '/governance/summary': summary,
      '/access-requests?pii=true': { items: [] },
      '/infrastructure/unexplained-grants': { watching: true, items: [] },
    });
    await renderInTestApp(<CompliancePage />, {
      apis,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const table = await screen.findByRole('table', {
      name: 'Compliance per domain',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'claims3 of 4 (75 %)12owner-is-group (fails 1 product, warns on 1), pii-classified (fails 1 product), slo-defined (warns on 2 products)',
      '(no domain)1 of 1 (100 %)00none',
    ]);
  });
});

describe('the register of personal data read in clear', () => {
  const grant = accessRequest({
    id: '0000000000000b01',
    state: 'active',
    pii: true,
    purpose: 'Quality audit',
    consumer: 'group:default/population-health',
    decidedAt: '2026-03-01T10:00:00.000Z',
    expiresAt: '2026-05-30T10:00:00.000Z',
    // two approvals: the owner's, then information governance's
    history: [
      {
        at: '2026-02-28T09:00:00.000Z',
        by: 'user:default/ann',
        action: 'request',
        state: 'pending',
      },
      {
        at: '2026-02-28T15:00:00.000Z',
        by: 'user:default/olga',
        action: 'approve-first',
        state: 'pending',
      },
      {
        at: '2026-03-01T10:00:00.000Z',
        by: 'user:default/grace',
        action: 'approve',
        state: 'approved',
      },
      {
        at: '2026-03-01T10:00:01.000Z',
        by: 'system',
        action: 'grant',
        state: 'active',
      },
    ],
  });
  const routes = (over: Record<string, unknown> = {}) => ({
    '/governance/summary': { ruleProblems: [], domains: [] },
    '/access-requests?pii=true': {
      items: [
        grant,
        // asked for, not granted: nobody reads through it
        accessRequest({ id: '0000000000000b02', pii: true }),
        accessRequest({ id: '0000000000000b03', pii: true, state: 'revoked' }),
      ],
    },
    '/infrastructure/unexplained-grants': {
      watching: true,
      items: [
        {
          product: 'dataproduct:default/patient-encounters',
          role: 'clinical_encounters_consumer_pii',
          member: 'old_etl',
          personalData: true,
          firstSeenAt: '2026-03-02T08:00:00.000Z',
        },
        // masked: not personal data in clear
        {
          product: 'dataproduct:default/patient-encounters',
          role: 'clinical_encounters_consumer',
          member: 'bi_tool',
          personalData: false,
          firstSeenAt: '2026-03-02T08:00:00.000Z',
        },
      ],
    },
    ...over,
  });

  it('lists the grants held with personal data, then those made by hand on the same product', async () => {
    const { apis } = backend(routes());
    await renderInTestApp(<CompliancePage />, {
      apis,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    const table = await screen.findByRole('table', {
      name: 'Personal data read in clear',
    });
    const rows = within(table).getAllByTestId('personal-data-row');
    expect(rows.map(r => r.textContent)).toEqual([
      `patient-encounterspopulation-healthQuality auditolga, graceaccess request 0000000000000b012026-03-01${formatExpiry(
        grant.expiresAt,
      )}`,
      'patient-encountersold_etl——a grant made by hand, outside any request2026-03-02—',
    ]);
    expect(
      within(rows[1]).getByRole('link', {
        name: 'a grant made by hand, outside any request',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/dataproduct/patient-encounters/access',
    );
  });

  it('downloads the register as CSV', async () => {
    const { apis } = backend(routes());
    const saved: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:register';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function saveAs(this: HTMLAnchorElement) {
        expect(this.download).toMatch(
          /^personal-data-read-in-clear-\d{4}-\d\d-\d\d\.csv$/,
        );
      });
    try {
      await renderInTestApp(<CompliancePage />, {
        apis,
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      });
      await userEvent.click(
        await screen.findByRole('button', { name: 'Download CSV' }),
      );
      expect(click).toHaveBeenCalledTimes(1);
      const text = await new Response(saved[0]).text();
      expect(text.split('\r\n')).toEqual([
        'data product,read by,purpose,approved by,through,since,until',
        'dataproduct:default/patient-encounters,group:default/population-health,Quality audit,user:default/olga; user:default/grace,access request 0000000000000b01,2026-03-01,2026-05-30',
        'dataproduct:default/patient-encounters,old_etl,,,a grant made by hand,2026-03-02,',
        '',
      ]);
    } finally {
      click.mockRestore();
    }
  });

  it('writes CSV a spreadsheet opens as text, whatever a purpose says', () => {
    expect(
      registerCsv([
        {
          key: 'r',
          product: 'dataproduct:default/p',
          reader: { ref: 'group:default/t' },
          purpose: '=HYPERLINK("http://evil.example","x"), then more',
          request: 'r',
          since: '2026-01-01T00:00:00.000Z',
          expiresAt: null,
        },
      ]).split('\r\n')[1],
    ).toBe(
      'dataproduct:default/p,group:default/t,"\'=HYPERLINK(""http://evil.example"",""x""), then more",,access request r,2026-01-01,',
    );
  });

  it('says when nobody the viewer may see reads personal data in clear', async () => {
    const empty = backend(
      routes({
        '/access-requests?pii=true': { items: [] },
        '/infrastructure/unexplained-grants': { watching: true, items: [] },
      }),
    );
    await renderInTestApp(<CompliancePage />, {
      apis: empty.apis,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(await screen.findByTestId('personal-data-none')).toHaveTextContent(
      'Nobody you may see reads personal data in clear.',
    );
    // nothing to download
    expect(screen.queryByRole('button', { name: 'Download CSV' })).toBeNull();
  });

  it('says when the register cannot be loaded, and still shows compliance', async () => {
    const { '/access-requests?pii=true': _, ...rest } = routes();
    const broken = backend(rest);
    await renderInTestApp(<CompliancePage />, {
      apis: broken.apis,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(
      await screen.findByText(/The register could not be loaded/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Compliance per domain' }),
    ).toBeInTheDocument();
  });
});
