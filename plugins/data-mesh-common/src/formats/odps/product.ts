/*
 * The product's own fields: names and metadata, type, lifecycle, owner,
 * domain, certification, data-sharing agreement and infrastructure.
 */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { validateIdentifier } from '../../identifiers';
import type {
  DataProductEntityV1alpha1,
  DataProductInfrastructure,
  DataProductType,
  DataSharingAgreement,
} from '../../model';
import {
  BOOLEAN_HINT,
  parseBoolean,
  parseDataProductType,
  showValue as show,
} from '../../values';
import { ANNOTATION_ODPS_ID } from './versions';
import { ANNOTATION_SPEC_VERSION } from '../../changes/version';
import type { DocumentPath } from '../../issues';
import { setSpecOrigin } from '../../entity';
import {
  OdpsContext,
  CustomProperties,
  entityNames,
  isObj,
  list,
  str,
  type Located,
  type Obj,
} from './context';

const LIFECYCLE_BY_STATUS: Record<string, string> = {
  proposed: 'experimental',
  draft: 'experimental',
  development: 'experimental',
  experimental: 'experimental',
  active: 'production',
  production: 'production',
  deprecated: 'deprecated',
  retired: 'retired',
};

const AGREEMENT_FIELDS: (keyof DataSharingAgreement)[] = [
  'purpose',
  'usage',
  'limitations',
  'approval',
  'termination',
  'instructions',
];

// As the kind's JSON schema allows for infrastructure names.
const INFRA_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,254}$/;

export function readMetadata(
  ctx: OdpsContext,
  doc: Obj,
  props: CustomProperties,
): DataProductEntityV1alpha1['metadata'] | undefined {
  const display = str(doc.name);
  if (!display) {
    ctx.source.report(
      ['name'],
      `the product needs a name (the catalog and the warehouse derive their names from it)`,
    );
    return undefined;
  }
  const id = ctx.identifier(
    ctx.source,
    display,
    ['name'],
    'product',
    props.get('identifier'),
  );
  if (!id) return undefined;
  const metadata: DataProductEntityV1alpha1['metadata'] = { name: id.name };
  const ns = props.get('namespace');
  if (ns) {
    if (entityNames.isValidNamespace(ns.value)) {
      metadata.namespace = ns.value as string;
    } else {
      ctx.source.report(
        ns.path,
        `${show(ns.value)} is not a valid catalog namespace`,
      );
    }
  }
  if (id.title) metadata.title = id.title;
  const description = isObj(doc.description)
    ? str(doc.description.purpose)
    : undefined;
  if (description) metadata.description = description;

  const tags: string[] = [];
  list(doc.tags).forEach((tag, i) => {
    if (typeof tag !== 'string') return;
    const clean = tag
      .trim()
      .toLowerCase()
      .replace(/[\s_/.]+/g, '-')
      .replace(/[^a-z0-9:+#-]/g, '')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 63);
    if (!entityNames.isValidTag(clean)) {
      ctx.source.report(
        ['tags', i],
        `tag ${show(tag)} cannot be a catalog tag; it is ignored`,
        'warning',
      );
      return;
    }
    if (clean !== tag) {
      ctx.source.report(
        ['tags', i],
        `tag ${show(
          tag,
        )} is stored as '${clean}' (catalog tags are lower case, words joined by '-')`,
        'warning',
      );
    }
    if (!tags.includes(clean)) tags.push(clean);
  });
  if (tags.length) metadata.tags = tags;

  const links = list(doc.support).flatMap(s => {
    if (!isObj(s) || !str(s.url)) return [];
    const link: { url: string; title?: string } = { url: str(s.url)! };
    if (str(s.channel) && str(s.channel) !== link.url)
      link.title = str(s.channel);
    return [link];
  });
  if (links.length) metadata.links = links;

  const odpsId = str(doc.id);
  if (odpsId) metadata.annotations = { [ANNOTATION_ODPS_ID]: odpsId };
  // the product's version, for the breaking-change gate (changes/version.ts)
  const version =
    typeof doc.version === 'number' ? String(doc.version) : str(doc.version);
  if (version) {
    metadata.annotations = {
      ...metadata.annotations,
      [ANNOTATION_SPEC_VERSION]: version,
    };
  }
  setSpecOrigin(metadata, [], {
    name: props.get('identifier')?.path ?? ['name'],
    title: ['name'],
    namespace: ns?.path,
    description: ['description', 'purpose'],
    tags: ['tags'],
    links: ['support'],
    annotations: version ? ['version'] : undefined,
  });
  return metadata;
}

export function readType(
  ctx: OdpsContext,
  doc: Obj,
  props: CustomProperties,
): DataProductType {
  const located: Located | undefined =
    props.get('dataProductType') ??
    props.get('type') ??
    (doc.type !== undefined ? { value: doc.type, path: ['type'] } : undefined);
  if (!located) {
    ctx.source.report(
      [],
      `no product type given (ODPS 1.1 'type' or customProperty 'dataProductType'); assuming source-aligned`,
      'warning',
    );
    return 'source-aligned';
  }
  const parsed =
    typeof located.value === 'string'
      ? parseDataProductType(located.value)
      : undefined;
  if (!parsed) {
    ctx.source.report(
      located.path,
      `${show(
        located.value,
      )} is not a data product type; use one of source-aligned, aggregate, consumer-aligned (ODPS 1.1: sourceAligned, aggregate, consumerAligned)`,
    );
    return 'source-aligned';
  }
  return parsed;
}

export function readLifecycle(doc: Obj): string {
  const status = str(doc.status)?.toLowerCase();
  if (status === 'retired') return 'retired';
  if (doc.deprecated === true) return 'deprecated';
  if (!status) return 'experimental';
  // Other statuses are kept as written; lifecycle is open-ended in Backstage.
  return LIFECYCLE_BY_STATUS[status] ?? status;
}

export function readCertified(
  ctx: OdpsContext,
  props: CustomProperties,
): boolean {
  const p = props.get('certified');
  if (!p) return false;
  const flag = parseBoolean(p.value);
  if (flag === undefined) {
    ctx.source.report(
      p.path,
      `${show(p.value)} is not a yes/no value; ${BOOLEAN_HINT}`,
    );
    return false;
  }
  return flag;
}

/**
 * The owner, in order: customProperty `owner` (an entity ref; a bare name
 * is a group), the team's name as a group, the team member with role
 * `owner` as a user (the part of the username before `@`).
 */
export function readOwner(
  ctx: OdpsContext,
  doc: Obj,
  props: CustomProperties,
): string | undefined {
  const explicit = props.get('owner');
  if (explicit) {
    const raw = str(explicit.value);
    let ref;
    try {
      ref = raw
        ? parseEntityRef(raw, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          })
        : undefined;
    } catch {
      ref = undefined;
    }
    if (!ref) {
      ctx.source.report(
        explicit.path,
        `owner ${show(
          explicit.value,
        )} is not an entity reference; write group:default/<name> or user:default/<name>`,
      );
      return undefined;
    }
    const kind = ref.kind.toLowerCase();
    if (kind !== 'group' && kind !== 'user') {
      ctx.source.report(
        explicit.path,
        `owner '${raw}' refers to a ${ref.kind}; the owner must be a Group or a User`,
      );
      return undefined;
    }
    if (!entityNames.isValidEntityName(ref.name)) {
      ctx.source.report(
        explicit.path,
        `owner '${raw}' is not a valid entity name`,
      );
      return undefined;
    }
    return stringifyEntityRef(ref);
  }
  const team = isObj(doc.team) ? doc.team : undefined;
  const teamName = team && str(team.name);
  if (teamName) {
    const name = toEntityName(teamName);
    if (!entityNames.isValidEntityName(name)) {
      ctx.source.report(
        ['team', 'name'],
        `team name '${teamName}' cannot be turned into a group name`,
      );
      return undefined;
    }
    return `group:default/${name}`;
  }
  const members = team ? list(team.members) : [];
  const ownerIndex = members.findIndex(
    m => isObj(m) && str(m.role)?.toLowerCase() === 'owner' && str(m.username),
  );
  if (ownerIndex >= 0) {
    const username = str((members[ownerIndex] as Obj).username)!;
    const name = toEntityName(username.split('@')[0]);
    if (!entityNames.isValidEntityName(name)) {
      ctx.source.report(
        ['team', 'members', ownerIndex, 'username'],
        `username '${username}' cannot be turned into a user name`,
      );
      return undefined;
    }
    return `user:default/${name}`;
  }
  ctx.source.report(
    team ? ['team'] : [],
    `the product needs an owner: a customProperty 'owner' (e.g. group:default/patients-team), a team name, or a team member with role owner`,
  );
  return undefined;
}

export function readDomain(ctx: OdpsContext, doc: Obj): string | undefined {
  const raw = str(doc.domain);
  if (!raw) {
    ctx.source.report(
      ['domain'],
      'the product needs a domain (the business domain it belongs to)',
    );
    return undefined;
  }
  if (!/[:/]/.test(raw)) {
    const id = ctx.identifier(ctx.source, raw, ['domain'], 'domain');
    return id ? `domain:default/${id.name}` : undefined;
  }
  let ref;
  try {
    ref = parseEntityRef(raw, {
      defaultKind: 'domain',
      defaultNamespace: 'default',
    });
  } catch (e) {
    ctx.source.report(
      ['domain'],
      `'${raw}' is not a domain reference: ${(e as Error).message}`,
    );
    return undefined;
  }
  if (ref.kind.toLowerCase() !== 'domain') {
    ctx.source.report(
      ['domain'],
      `'${raw}' refers to a ${ref.kind}, not a Domain`,
    );
    return undefined;
  }
  const problem = validateIdentifier(ref.name, 'domain');
  if (problem) {
    ctx.source.report(['domain'], problem);
    return undefined;
  }
  return stringifyEntityRef(ref);
}

export function readAgreement(
  ctx: OdpsContext,
  doc: Obj,
  props: CustomProperties,
): DataSharingAgreement | undefined {
  const dsa: DataSharingAgreement = {};
  if (isObj(doc.description)) {
    const usage = str(doc.description.usage);
    const limitations = str(doc.description.limitations);
    if (usage) dsa.usage = usage;
    if (limitations) dsa.limitations = limitations;
  }
  const extra = props.get('dataSharingAgreement');
  if (extra) {
    if (!isObj(extra.value)) {
      ctx.source.report(
        extra.path,
        'dataSharingAgreement must be an object with purpose, approval, termination or instructions',
      );
    } else {
      for (const [key, value] of Object.entries(extra.value)) {
        if (!AGREEMENT_FIELDS.includes(key as keyof DataSharingAgreement)) {
          ctx.source.report(
            [...extra.path, key],
            `'${key}' is not part of a data-sharing agreement (${AGREEMENT_FIELDS.join(
              ', ',
            )})`,
          );
        } else if (!str(value)) {
          ctx.source.report([...extra.path, key], `${key} must be text`);
        } else {
          dsa[key as keyof DataSharingAgreement] = str(value);
        }
      }
    }
  }
  return Object.keys(dsa).length ? dsa : undefined;
}

export function readInfrastructure(
  ctx: OdpsContext,
  props: CustomProperties,
): DataProductInfrastructure | undefined {
  const p = props.get('infrastructure');
  if (!p) return undefined;
  if (!isObj(p.value)) {
    ctx.source.report(
      p.path,
      'infrastructure must be an object (stage, platform, warehouse, database, schema, roles)',
    );
    return undefined;
  }
  const out: DataProductInfrastructure = {};
  const name = (value: unknown, path: DocumentPath, key: string) => {
    if (typeof value === 'string' && INFRA_NAME.test(value)) return value;
    ctx.source.report(
      path,
      `${key} ${show(
        value,
      )} is not a safe warehouse name (letters, digits, _, $ and -, starting with a letter or _)`,
    );
    return undefined;
  };
  for (const [key, value] of Object.entries(p.value)) {
    const path = [...p.path, key];
    if (
      key === 'stage' ||
      key === 'platform' ||
      key === 'warehouse' ||
      key === 'database' ||
      key === 'schema'
    ) {
      const s = name(value, path, key);
      if (s) out[key] = s;
    } else if (key === 'roles' && isObj(value)) {
      const roles: NonNullable<DataProductInfrastructure['roles']> = {};
      for (const [role, roleName] of Object.entries(value)) {
        if (role !== 'consumer' && role !== 'service' && role !== 'owner') {
          ctx.source.report(
            [...path, role],
            `'${role}' is not a product role (consumer, service, owner)`,
          );
          continue;
        }
        const s = name(roleName, [...path, role], `${role} role`);
        if (s) roles[role] = s;
      }
      out.roles = roles;
    } else if (key === 'roles') {
      ctx.source.report(
        path,
        'roles must be an object with consumer, service and owner',
      );
    } else {
      ctx.source.report(
        path,
        `'${key}' is not an infrastructure field (stage, platform, warehouse, database, schema, roles)`,
      );
    }
  }
  return out;
}

/** `Data Team` → `data-team`: a Backstage entity name for a group or user. */
function toEntityName(display: string): string {
  return display
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '')
    .slice(0, 63);
}
