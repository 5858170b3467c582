/*
 * What a decision's notification says about who decided: the approver, and
 * who gave the first of two approvals of the same ask — never the first
 * approver of an earlier extension.
 */
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { AccessRequestRecord } from './AccessRequestStore';
import type { AccessHistoryRecord } from './accessRecords';
import { createAccessNotifier } from './notifications';

const D = 24 * 3_600_000;

function told() {
  const sent: NotificationSendOptions[] = [];
  const service: NotificationService = {
    send: async options => {
      sent.push(options);
    },
  };
  return { sent, notifier: createAccessNotifier(service) };
}

function record(history: [string, AccessHistoryRecord['action']][]) {
  return {
    id: 'r1',
    product: 'dataproduct:default/records',
    owner: 'group:default/team-a',
    outputPort: 'clinical',
    consumer: 'group:default/team-b',
    requester: 'user:default/carol',
    purpose: 'readmission study',
    pii: false,
    state: 'active',
    durationMs: 30 * D,
    requestedAt: 0,
    expiresAt: 90 * D,
    grantee: 'team_b',
    providerRole: 'records_consumer',
    role: 'records_consumer',
    history: history.map(([actor, action], i) => ({
      at: i * 1000,
      actor,
      action,
      state: 'active',
    })),
  } as AccessRequestRecord;
}

describe('access decision notifications', () => {
  it('names who gave the first of two approvals of a request', async () => {
    const { sent, notifier } = told();
    await notifier.decided(
      record([
        ['user:default/carol', 'request'],
        ['user:default/dana', 'approve-first'],
        ['user:default/gwen', 'approve'],
      ]),
      'approved',
    );
    expect(sent[0].payload.description).toContain(
      'was approved by user:default/gwen after user:default/dana',
    );
  });

  it("names the first approver of this extension, not of an earlier one's", async () => {
    const { sent, notifier } = told();
    const earlier: [string, AccessHistoryRecord['action']][] = [
      ['user:default/carol', 'request'],
      ['user:default/dana', 'approve-first'],
      ['user:default/gwen', 'approve'],
      ['user:default/carol', 'extend-request'],
      ['user:default/dana', 'extend-approve-first'],
      ['user:default/gwen', 'extend-approve'],
    ];
    // the port lost its second level: the next extension took one approval
    await notifier.decided(
      record([
        ...earlier,
        ['user:default/carol', 'extend-request'],
        ['user:default/alice', 'extend-approve'],
      ]),
      'extended',
    );
    expect(sent[0].payload.description).toContain(
      'was extended by user:default/alice; access ends',
    );
    // two approvals this time too: this extension's first approver
    await notifier.decided(
      record([
        ...earlier,
        ['user:default/carol', 'extend-request'],
        ['user:default/alice', 'extend-approve-first'],
        ['user:default/ivy', 'extend-approve'],
      ]),
      'extended',
    );
    expect(sent[1].payload.description).toContain(
      'was extended by user:default/ivy after user:default/alice',
    );
  });

  it('names the one approver of a one-step approval', async () => {
    const { sent, notifier } = told();
    await notifier.decided(
      record([
        ['user:default/carol', 'request'],
        ['user:default/alice', 'approve'],
      ]),
      'approved',
    );
    expect(sent[0].payload.description).toMatch(
      /was approved by user:default\/alice; access ends/,
    );
  });
});
