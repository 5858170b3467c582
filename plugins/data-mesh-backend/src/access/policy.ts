/*
 * The rules of a request that come from the product and the platform:
 * durations (the port's policy, else config), auto-approval (both from
 * common's portAccessPolicy), and the
 * warehouse role names — the per-request role, the grantee and the
 * product's role it receives. Role names are composed from validated
 * identifiers and checked as plain SQL identifiers that fit every
 * warehouse; the executor quotes them.
 */
import { InputError } from '@backstage/errors';
import {
  type DataProductEntityV1alpha1,
  durationToMillis,
  parseDuration,
  POSTGRES_MAX_IDENTIFIER_BYTES,
  toSqlName,
} from '@datamesh/plugin-data-mesh-common';
import {
  type PlatformConfig,
  SAFE_IDENTIFIER,
  computeDesiredState,
  renderNameTemplate,
} from '@datamesh/plugin-data-mesh-node';
import { Duration } from 'luxon';

/**
 * `90d`, `90 days`, `24h` (the spec's duration rule) or ISO 8601 `P90D`,
 * `PT12H` → milliseconds; undefined for anything else or zero.
 */
export function parseAccessDuration(text: string): number | undefined {
  const canonical = parseDuration(text);
  let ms: number | undefined;
  if (canonical) ms = durationToMillis(canonical);
  else if (/^P/i.test(text.trim())) {
    ms = Duration.fromISO(text.trim().toUpperCase()).as('milliseconds');
  }
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

// The port's policy (OutputPort.access) is read in one place for the
// backend and the access screens alike.
export {
  autoApproves,
  portAccessPolicy,
  portApproverLevels,
  portApprovers,
} from '@datamesh/plugin-data-mesh-common';

/** A role name from a template, or a 400 naming `field` when it cannot be one. */
export function roleName(
  template: string,
  values: Record<string, string>,
  field: string,
): string {
  const name = renderNameTemplate(template, values);
  if (
    !SAFE_IDENTIFIER.test(name) ||
    name !== name.toLowerCase() ||
    name.length > POSTGRES_MAX_IDENTIFIER_BYTES
  ) {
    throw new InputError(
      `${field}: the warehouse role name '${name}' is not a lowercase SQL identifier of at most ${POSTGRES_MAX_IDENTIFIER_BYTES} characters`,
    );
  }
  return name;
}

/** The per-request role, e.g. `acme_access_3f9c0a1b2c3d4e5f`. */
export function requestRoleName(
  template: string,
  platform: PlatformConfig,
  id: string,
): string {
  return roleName(
    template,
    { org: toSqlName(platform.organization), id },
    'id',
  );
}

/** A group's team role, e.g. `team_population_health`. */
export function teamRoleName(
  template: string,
  platform: PlatformConfig,
  groupName: string,
): string {
  return roleName(
    template,
    { org: toSqlName(platform.organization), group: toSqlName(groupName) },
    'consumer',
  );
}

/**
 * A product's provisioned roles, named by the same code that provisions
 * them (with `pii`, the PII consumer role, when the product has PII
 * columns); a 400 naming `field` when the product cannot be provisioned.
 */
export function productRoles(
  product: DataProductEntityV1alpha1,
  platform: PlatformConfig,
  field: string,
): { consumer: string; service: string; pii?: string } {
  const { desired, issues } = computeDesiredState([product], platform);
  const provisioned = desired?.products[0];
  if (!provisioned) {
    throw new InputError(
      `${field}: ${product.metadata.name} has no warehouse roles: ${issues
        .map(i => i.message)
        .join('; ')}`,
    );
  }
  return {
    ...provisioned.roles,
    ...(provisioned.piiRole ? { pii: provisioned.piiRole } : {}),
  };
}

/**
 * The product role a request receives, and whether it reads personal data
 * in clear: the PII consumer role for a request with PII (columns read in
 * clear), else the consumer role (PII masked). A product without PII
 * columns has no PII role: nothing to unmask, so a request for personal
 * data is a plain one (and not one to list among reads of personal data).
 */
export function readRoleOf(
  product: DataProductEntityV1alpha1,
  platform: PlatformConfig,
  pii: boolean,
  field: string,
): { role: string; pii: boolean } {
  const roles = productRoles(product, platform, field);
  return pii && roles.pii
    ? { role: roles.pii, pii: true }
    : { role: roles.consumer, pii: false };
}

/** A requested duration in milliseconds; a 400 naming `duration` when unreadable or above `maxMs`. */
export function durationWithin(text: string, maxMs: number): number {
  const ms = parseAccessDuration(text);
  if (ms === undefined) {
    throw new InputError(
      `duration: '${text}' is not a duration (write e.g. 90d or P90D)`,
    );
  }
  if (ms > maxMs) {
    throw new InputError(
      `duration: ${text} is longer than the maximum of ${Math.round(
        maxMs / 86_400_000,
      )} days`,
    );
  }
  return ms;
}
