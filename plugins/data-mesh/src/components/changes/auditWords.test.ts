import type { LifecycleAuditEntry } from '@datamesh/plugin-data-mesh-common';
import { auditWords } from './auditWords';

const entry = (
  action: string,
  detail?: Record<string, unknown>,
): LifecycleAuditEntry => ({
  at: '2026-03-01T09:00:00.000Z',
  actor: 'user:default/aisha.khan',
  action,
  ...(detail ? { detail } : {}),
});

describe('auditWords', () => {
  it.each([
    [
      entry('infrastructure-apply', {
        allowDestructive: true,
        statements: [],
        run: 'run-1',
      }),
      'Applied the warehouse plan: nothing to change (in a repair run), destructive changes allowed',
      undefined,
    ],
    [
      entry('infrastructure-apply', {
        allowDestructive: false,
        statements: ['CREATE SCHEMA "x"'],
        error: 'permission denied',
      }),
      'Applying the warehouse plan failed after 1 statement',
      'permission denied',
    ],
    [
      entry('sandbox-create', {
        branch: 'feat_x',
        schemas: ['"a"', '"b"'],
        method: 'zero-copy',
        replaced: ['"a"'],
      }),
      'Made the sandbox of branch feat_x (zero-copy clones), replacing 1 schema',
      undefined,
    ],
    [
      entry('sandbox-create', {
        branch: 'feat_x',
        schemas: ['"a"'],
        error: 'warehouse down',
      }),
      'Making the sandbox of branch feat_x failed',
      'warehouse down',
    ],
    [
      entry('sandbox-delete', { branch: 'feat_x', dropped: [] }),
      'Deleted the sandbox of branch feat_x: 0 schemas dropped',
      undefined,
    ],
    [
      entry('sandbox-delete', {
        branch: 'feat_y',
        dropped: ['"s_sbx_feat_y"'],
        expired: {
          createdAt: '2026-01-01T09:00:00Z',
          expiresAt: '2026-01-31T09:00:00.000Z',
        },
      }),
      'Deleted the sandbox of branch feat_y at its expiry (made 2026-01-01, expired 2026-01-31): 1 schema dropped',
      undefined,
    ],
    [
      entry('sandbox-keep', {
        branch: 'feat_y',
        keptAt: '2026-01-29T09:00:00.000Z',
        expiresAt: '2026-02-28T09:00:00.000Z',
      }),
      'Kept the sandbox of branch feat_y past its expiry: the platform deletes it on 2026-02-28',
      undefined,
    ],
    [
      entry('leftover-drop', {
        dropped: [
          '"acme_care_dev__wards_raw"',
          '"acme_care_dev__wards_output"',
        ],
        roles: ['"acme_care_dev_wards_consumer"'],
        productInCatalog: false,
      }),
      'Dropped 2 schemas and 1 role left behind when it left the catalog',
      undefined,
    ],
    [
      entry('leftover-drop', {
        dropped: ['"acme_care_dev__visits_staging"'],
        productInCatalog: true,
        error: 'permission denied for schema acme_care_dev__visits_staging',
      }),
      'Dropping 1 schema it no longer declared failed',
      'permission denied for schema acme_care_dev__visits_staging',
    ],
    [
      entry('leftover-keep', {
        kept: true,
        reason: 'legal hold',
        schemas: 3,
        roles: 1,
      }),
      'Kept 3 schemas and 1 role left behind on purpose: “legal hold”',
      undefined,
    ],
    [
      entry('leftover-keep', { kept: false }),
      'No longer keeps what it left behind',
      undefined,
    ],
    [
      entry('access-repair', {
        revokeUnmanaged: true,
        revoked: [{}, {}],
        requests: [],
        statements: ['REVOKE …', 'REVOKE …'],
      }),
      'Repaired access drift: 2 statements; 2 grants no request explained revoked',
      undefined,
    ],
    [
      entry('deprecation-changed', {
        retireAt: '2026-09-30T00:00:00.000Z',
        acceptNewRequests: true,
      }),
      'Changed the deprecation: retires on 2026-09-30; still accepts new access requests',
      undefined,
    ],
    [
      entry('retire-start', {
        confirm: [],
        force: true,
        reason: 'the study ended',
        readers: ['group:default/pophealth'],
      }),
      'Started the retirement although 1 consumer still read it: "the study ended"',
      undefined,
    ],
    [
      entry('retire-start', { confirm: [], readers: [] }),
      'Started the retirement',
      undefined,
    ],
    [
      entry('step-failed', { step: 'archive', error: 'disk full' }),
      'Retirement step failed: Archive the output layer',
      'disk full',
    ],
    [
      entry('step:drop'),
      "Retirement step done: Drop the product's layers and roles",
      undefined,
    ],
    [
      entry('archive-dropped'),
      'Dropped the archive of the output layer',
      undefined,
    ],
    [
      entry('retired', { archive: {} }),
      'Retired: the product is off the catalog; its archive is kept until its retention ends',
      undefined,
    ],
  ])('%#: %j', (e, what, failed) => {
    const words = auditWords(e);
    expect([words.what, words.failed]).toEqual([what, failed]);
  });

  it('says where a reported apply ran, linking only web addresses', () => {
    const reported = (detail: Record<string, unknown>) =>
      auditWords(
        entry('infrastructure-apply', {
          allowDestructive: false,
          statements: ['CREATE ROLE "r"'],
          stage: 'prod',
          ...detail,
        }),
      );
    const ci = reported({
      source: 'cli',
      reference: 'https://github.example.com/acme/r/actions/runs/4',
    });
    expect(ci.what).toBe(
      'Applied the warehouse plan (stage prod): 1 statement',
    );
    expect(ci.where).toEqual({
      text: 'by the datamesh CLI',
      link: {
        text: 'CI run',
        href: 'https://github.example.com/acme/r/actions/runs/4',
      },
    });
    // a reference that is no web address is words, never a link
    const script = ['javascript', 'alert(1)'].join(':');
    expect(reported({ source: 'cli', reference: script }).where).toEqual({
      text: `by the datamesh CLI (${script})`,
    });
    expect(reported({ source: 'cli' }).where).toEqual({
      text: 'by the datamesh CLI',
    });
    expect(
      reported({
        source: 'template',
        reference: 'task-0b6c',
        declaredOwner: 'group:default/care-team',
      }).where,
    ).toEqual({
      text: 'by a template (task task-0b6c)',
      after:
        ', before the catalog had the product (declared owner group:default/care-team)',
    });
    // the task's page, where the app has the scaffolder
    const withTaskPage = auditWords(
      entry('infrastructure-apply', {
        allowDestructive: false,
        statements: [],
        source: 'template',
        reference: 'task-0b6c',
      }),
      { task: id => `/create/tasks/${id}` },
    );
    expect(withTaskPage.where).toEqual({
      text: 'by a template',
      link: { text: 'task task-0b6c', href: '/create/tasks/task-0b6c' },
    });
    // the portal's own applies say nothing of where
    expect(reported({}).where).toBeUndefined();
    // sandboxes made and deleted by a pipeline say it too
    for (const action of ['sandbox-create', 'sandbox-delete']) {
      expect(
        auditWords(
          entry(action, { branch: 'feat_x', source: 'cli', stage: 'dev' }),
        ).where,
      ).toEqual({ text: 'by the datamesh CLI' });
    }
  });

  it('keeps the lines each entry sent', () => {
    expect(
      auditWords(entry('step:revoke', { lines: ['REVOKE x FROM y'] })).lines,
    ).toEqual(['REVOKE x FROM y']);
    expect(
      auditWords(entry('retire-start', { readers: ['group:default/a'] })).lines,
    ).toEqual(['group:default/a']);
  });
});
