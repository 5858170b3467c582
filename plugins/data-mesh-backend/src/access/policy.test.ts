/*
 * The request rules that come from config and the port: durations in both
 * spellings, the port's policy with its defaults, and role names that
 * are refused (400 naming the field) unless they are plain lowercase SQL
 * identifiers that fit every warehouse.
 */
import { DEFAULT_PLATFORM_CONFIG } from '@datamesh/plugin-data-mesh-node';
import {
  autoApproves,
  durationWithin,
  parseAccessDuration,
  portAccessPolicy,
  requestRoleName,
  roleName,
  teamRoleName,
} from './policy';

const D = 86_400_000;

describe('access request rules', () => {
  it('reads durations as the spec writes them and as ISO 8601', () => {
    expect(parseAccessDuration('90d')).toBe(90 * D);
    expect(parseAccessDuration('90 days')).toBe(90 * D);
    expect(parseAccessDuration('P90D')).toBe(90 * D);
    expect(parseAccessDuration('pt12h')).toBe(D / 2);
    for (const bad of ['', 'soon', '0d', 'P0D', 'P', '-5d', '90']) {
      expect([bad, parseAccessDuration(bad)]).toEqual([bad, undefined]);
    }
    expect(durationWithin('30d', 30 * D)).toBe(30 * D);
    expect(() => durationWithin('31d', 30 * D)).toThrow(/^duration: .*30 days/);
    expect(() => durationWithin('later', 30 * D)).toThrow(/^duration: /);
  });

  it("reads the port's typed policy, with the owner deciding by default", () => {
    expect(portAccessPolicy({})).toEqual({
      approval: 'owner',
      pii: 'owner',
      roles: [],
    });
    const rules = portAccessPolicy({
      access: {
        approval: 'auto',
        maxDuration: '30d',
        defaultDuration: '7d',
        pii: 'deny',
      },
    });
    expect(rules).toEqual({
      approval: 'auto',
      autoApprove: 'same-domain',
      maxDurationMs: 30 * D,
      defaultDurationMs: 7 * D,
      pii: 'deny',
      roles: [],
    });
    expect(autoApproves(rules, { pii: false, sameDomain: true })).toBe(true);
    expect(autoApproves(rules, { pii: false, sameDomain: false })).toBe(false);
  });

  it('names roles from templates and refuses names that are not plain identifiers', () => {
    const platform = DEFAULT_PLATFORM_CONFIG;
    expect(
      requestRoleName('{org}_access_{id}', platform, '0123456789abcdef'),
    ).toBe('acme_access_0123456789abcdef');
    expect(teamRoleName('team_{group}', platform, 'population-health')).toBe(
      'team_population_health',
    );
    expect(() =>
      teamRoleName('team_{group}', platform, 'x'.repeat(60)),
    ).toThrow(/^consumer: .*at most 63/);
    expect(() =>
      roleName('{group}', { group: 'a"; DROP ROLE x; --' }, 'consumer'),
    ).toThrow(/^consumer: /);
    expect(() => roleName('{group}', { group: 'Team' }, 'consumer')).toThrow(
      /^consumer: /,
    );
  });
});
