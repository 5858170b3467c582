import type {
  SpecCheckResponse,
  SpecProblem,
  SpecProblemsResponse,
} from '@datamesh/plugin-data-mesh-common';
import { patients } from './fixtures';

/** A spec without an owner, as the catalog module reports it. */
export const missingOwner: SpecProblem = {
  file: '/specs/claims/data_product_spec.yml',
  entityRef: 'location:default/generated-claims',
  issues: [
    {
      severity: 'error',
      file: '/specs/claims/data_product_spec.yml',
      path: 'spec.owner',
      line: 4,
      column: 3,
      message: "must have required property 'owner'",
    },
  ],
};

/** A spec of the clinical data team with two located problems. */
export const badDimension: SpecProblem = {
  file: 'https://git.example/specs/encounters/data_product_spec.yml',
  entityRef: 'location:default/generated-encounters',
  owner: 'group:default/clinical-data-team',
  issues: [
    {
      severity: 'error',
      file: 'https://git.example/specs/encounters/contract.yml',
      path: 'components[3].properties.dimension',
      line: 19,
      column: 7,
      message: "'Vibes' is not one of the allowed dimensions",
    },
    {
      severity: 'warning',
      path: 'metadata.description',
      message: 'a description helps consumers find the product',
    },
  ],
};

export function specProblemsResponse(
  items: SpecProblem[],
  total = items.length,
): SpecProblemsResponse {
  return {
    items,
    total,
    checkedAt: '2026-12-03T18:00:00.000Z',
    unprocessedSource: true,
  };
}

/** `GET /spec-problems` narrowed by `mine` to `groups`, as the router does. */
export function specProblemsByOwner(items: SpecProblem[], groups: string[]) {
  return (url: URL) => {
    const mine = url.searchParams.get('mine') === 'true';
    const owner = url.searchParams.get('owner');
    const visible = items.filter(
      p =>
        (!mine || (p.owner && groups.includes(p.owner))) &&
        (!owner || p.owner === owner),
    );
    return new Response(
      JSON.stringify(specProblemsResponse(visible, items.length)),
      { headers: { 'content-type': 'application/json' } },
    );
  };
}

/** A check of a spec that reads well, passes one rule and fails none. */
export const passingCheck: SpecCheckResponse = {
  ok: true,
  file: 'pasted',
  format: 'odps',
  issues: [],
  entity: patients,
  governance: {
    entityRef: 'dataproduct:default/patients',
    stage: 'production',
    results: [
      {
        ruleId: 'has-description',
        status: 'pass',
        level: 'error',
        message: 'Products describe themselves',
        source: { kind: 'builtin', location: 'builtin:has-description' },
      },
      {
        ruleId: 'pii-steward',
        status: 'warn',
        level: 'warn',
        message: 'Personal data needs a steward',
        detail: 'no steward named',
        source: { kind: 'config', location: 'dataMesh.governance.rules[0]' },
      },
    ],
    counts: { pass: 1, warn: 1, fail: 0, 'not-evaluated': 0 },
    ok: true,
    ruleProblems: [],
  },
  plan: {
    status: 'not-provisioned',
    lines: ['+ CREATE SCHEMA PATIENTS', '+ CREATE ROLE PATIENTS_CONSUMER'],
    steps: 2,
    destructive: 0,
    issues: [],
  },
};
