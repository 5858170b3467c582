/*
 * The canonical model of a data product.
 *
 * Every spec format (the OAM-style data_product_spec.yml, Bitol ODPS/ODCS, and
 * the native entity YAML) is read into this one shape, and everything
 * downstream (catalog relations, pages, provisioning, SLO monitors, exports)
 * reads only this shape. It is deliberately the Backstage entity itself, so
 * there is no second model to keep in step with the catalog.
 */
import type { Entity } from '@backstage/catalog-model';

/** @public */
export const DATA_PRODUCT_API_VERSION = 'datamesh.dev/v1alpha1' as const;
/** @public */
export const DATA_PRODUCT_KIND = 'DataProduct' as const;

/** How a product relates to its sources (Dehghani's three archetypes). @public */
export const DATA_PRODUCT_TYPES = [
  'source-aligned',
  'aggregate',
  'consumer-aligned',
] as const;
/** @public */
export type DataProductType = (typeof DATA_PRODUCT_TYPES)[number];

/** @public */
export const SLO_DIMENSIONS = [
  'availability',
  'completeness',
  'freshness',
] as const;
/** @public */
export type SloDimension = (typeof SLO_DIMENSIONS)[number];

/**
 * Data classification of a column, as in ODCS v3 `classification`. `pii`
 * is separate: a column can be `restricted` without being personal data.
 * @public
 */
export const DATA_CLASSIFICATIONS = [
  'public',
  'internal',
  'confidential',
  'restricted',
] as const;
/** @public */
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/**
 * The ODCS v3 data-quality metrics the portal measures (`type: library`):
 * `rowCount` is a dataset's, the others a column's.
 * @public
 */
export const QUALITY_METRICS = [
  'rowCount',
  'nullValues',
  'missingValues',
  'invalidValues',
  'duplicateValues',
] as const;
/** @public */
export type QualityMetric = (typeof QUALITY_METRICS)[number];

/** The ODCS v3 comparison operators; a check has exactly one. @public */
export const QUALITY_OPERATORS = [
  'mustBe',
  'mustNotBe',
  'mustBeGreaterThan',
  'mustBeGreaterOrEqualTo',
  'mustBeLessThan',
  'mustBeLessOrEqualTo',
  'mustBeBetween',
  'mustNotBeBetween',
] as const;
/** @public */
export type QualityOperator = (typeof QUALITY_OPERATORS)[number];

/** ODCS v3 `quality[].type`; only `library` checks are run by the portal. @public */
export const QUALITY_CHECK_TYPES = [
  'library',
  'sql',
  'custom',
  'text',
] as const;
/** @public */
export type QualityCheckType = (typeof QUALITY_CHECK_TYPES)[number];

/**
 * A data-quality check, as an ODCS v3 contract's `quality[]` entry says it
 * (same field names; `arguments.validValues` and `arguments.missingValues`
 * lifted up). On a dataset it is about the table, on a column about the
 * column. The portal measures `library` checks in the warehouse on a
 * schedule (the check's own cron `schedule`, else the portal's interval);
 * `sql`, `custom` and `text` checks are shown, not run (a spec
 * author's SQL does not run with the platform's privileges).
 * @public
 */
export type QualityCheck = {
  /** ODCS `id` or `name`: what results are kept under; default the metric. */
  name?: string;
  description?: string;
  /** Default `library`. */
  type?: QualityCheckType;
  metric?: QualityMetric;
  mustBe?: number;
  mustNotBe?: number;
  mustBeGreaterThan?: number;
  mustBeGreaterOrEqualTo?: number;
  mustBeLessThan?: number;
  mustBeLessOrEqualTo?: number;
  mustBeBetween?: [number, number];
  mustNotBeBetween?: [number, number];
  /** What is compared: a number of rows (default) or a percentage of the rows. */
  unit?: 'rows' | 'percent';
  /** `invalidValues`: the values a column may hold (compared as text, or as numbers in a numeric column). */
  validValues?: (string | number)[];
  /**
   * `invalidValues`: a regular expression each value must match (ODCS
   * `arguments.pattern`, searched as ECMAScript does), in the part of the
   * syntax every warehouse reads alike (quality/pattern.ts).
   */
  pattern?: string;
  /** `missingValues`: values that count as missing besides null, e.g. `''`, `N/A`. */
  missingValues?: (string | number)[];
  /**
   * `duplicateValues` of a dataset: the columns whose values together must
   * not repeat (ODCS `arguments.properties`), e.g. a composite key. Rows
   * with a null in any of them are not counted.
   */
  columns?: string[];
  /** `sql`: the query, shown to readers. */
  query?: string;
  /** ODCS `severity`, e.g. `info`, `warning`, `error` (default). */
  severity?: string;
  /** ODCS `dimension`, e.g. `completeness`, `uniqueness`. */
  dimension?: string;
  /**
   * ODCS `schedule`: with the `cron` scheduler (the default), a cron
   * expression in UTC, e.g. `0 20 * * *`; the portal measures the check
   * after each time it fires rather than at its default interval.
   */
  schedule?: string;
  /** ODCS `scheduler`: `cron`, or another tool that runs the check (then the portal keeps its default interval). */
  scheduler?: string;
};

/** @public */
export type DatasetColumn = {
  name: string;
  /** Logical or physical type as written by the author, e.g. `string`, `varchar(18)`, `timestamp`. */
  type: string;
  description?: string;
  classification?: DataClassification;
  /** Personally identifiable information. */
  pii?: boolean;
  /**
   * A critical data element (ODCS `criticalDataElement`): the business
   * depends on it, so its quality is watched more closely.
   */
  criticalDataElement?: boolean;
  primaryKey?: boolean;
  required?: boolean;
  tags?: string[];
  /** Data-quality checks of the column's values. */
  quality?: QualityCheck[];
};

/** @public */
export type Dataset = {
  /** Warehouse-safe identifier (see identifiers.ts). */
  name: string;
  /** Display name when the author wrote one that is not an identifier, e.g. "Dataset of DP patients". */
  title?: string;
  description?: string;
  /** The physical table as provisioned, e.g. `db.schema.table`, when known. */
  table?: string;
  columns: DatasetColumn[];
  /** Data-quality checks of the table, e.g. its row count. */
  quality?: QualityCheck[];
};

/** @public */
export const INPUT_PORT_TYPES = ['dataset', 'api', 'data-product'] as const;
/** @public */
export type InputPortType = (typeof INPUT_PORT_TYPES)[number];

/** @public */
export type InputPort = {
  /** Identifier (see identifiers.ts). */
  name: string;
  /** Display name as the author wrote it, when different from `name`. */
  title?: string;
  description?: string;
  /**
   * `dataset` and `api` are sources outside the mesh (source-aligned
   * products); `data-product` consumes another product's output port and
   * becomes a `dependsOn` relation (lineage).
   */
  type: InputPortType;
  /** For `dataset` / `api`: the source system or table, free text. */
  source?: string;
  /** For `data-product`: the upstream product's entity ref, e.g. `dataproduct:default/patients`. */
  dataProduct?: string;
  /** For `data-product`: the name of the upstream product's output port. */
  outputPort?: string;
  /**
   * For `data-product`: the product reads the upstream port's personal-data
   * columns in clear, not masked (its description says why). Its access
   * requests ask for them, and the upstream's owners decide.
   */
  personalDataInClear?: boolean;
};

/**
 * Who decides a request for a port: its owner (and the platform's admins),
 * or the platform itself (`auto`, within the port's `autoApprove` scope).
 * @public
 */
export const ACCESS_APPROVALS = ['owner', 'auto'] as const;
/** @public */
export type AccessApproval = (typeof ACCESS_APPROVALS)[number];

/**
 * Which requests `approval: auto` approves without the owner: those of
 * consumers in the product's own domain, or any consumer's. Requests for
 * personal data are never in scope: they always need a person.
 * @public
 */
export const ACCESS_AUTO_APPROVE_SCOPES = ['same-domain', 'any'] as const;
/** @public */
export type AccessAutoApproveScope =
  (typeof ACCESS_AUTO_APPROVE_SCOPES)[number];

/**
 * Whether a port grants personal-data columns in clear: on the owner's
 * decision, or never (`deny`).
 * @public
 */
export const ACCESS_PII_RULES = ['owner', 'deny'] as const;
/** @public */
export type AccessPiiRule = (typeof ACCESS_PII_RULES)[number];

/**
 * A role that provides access to the port's data and who approves it, as
 * an ODCS v3 contract's `roles[]` entry says it (same field names). The
 * approvers are the standard's free text ("Reporting Manager"), shown to
 * requesters; those written as `user:` or `group:` entity refs
 * (comma-separated) also decide the port's requests, besides its owners
 * (see `portApprovers`).
 * @public
 */
export type PortAccessRole = {
  /** Name of the IAM or warehouse role, as written. */
  role: string;
  /** The kind of access the role provides, e.g. `read`, `write`. */
  access?: string;
  description?: string;
  firstLevelApprovers?: string;
  secondLevelApprovers?: string;
};

/**
 * How access to an output port works (issue 8): OAM `access`, ODPS
 * output-port custom property `access` and ODCS `roles[]`, in one shape.
 * Durations are canonical (`90d`); `portAccessPolicy` gives them in
 * milliseconds with the defaults applied.
 * @public
 */
export type PortAccessPolicy = {
  /** Default `owner`. */
  approval?: AccessApproval;
  /** Only with `approval: auto`; default `same-domain`. */
  autoApprove?: AccessAutoApproveScope;
  /** How long access lasts when the request does not say; default from the platform's config. */
  defaultDuration?: string;
  /** The longest access a request (or an extension) may get. */
  maxDuration?: string;
  /** Default `owner`. */
  pii?: AccessPiiRule;
  roles?: PortAccessRole[];
};

/** @public */
export type OutputPort = {
  /** Identifier (see identifiers.ts). */
  name: string;
  /** Display name as the author wrote it, when different from `name`. */
  title?: string;
  description?: string;
  /** Access pattern: `sql`, `jdbc`, `api`, `file`, `stream`, ... */
  type: string;
  /** Name of the dataset this port serves (must be one of `spec.datasets`). */
  dataset?: string;
  /** Connection string or URL a consumer uses. */
  url?: string;
  /** Human instructions for connecting. */
  instructions?: string;
  /** Who approves access and for how long; absent: the owner approves, the platform's config sets durations. */
  access?: PortAccessPolicy;
};

/** The service level indicator that measures an objective. @public */
export type ServiceLevelIndicator = {
  name: string;
  description?: string;
};

/** @public */
export type ServiceLevelObjective = {
  /** Identifier (see identifiers.ts). */
  name: string;
  /** Display name as the author wrote it, when different from `name`, e.g. "Data is refreshed daily". */
  title?: string;
  dimension: SloDimension;
  /** What is promised, in words. */
  objective: string;
  /** Dataset the objective is about; defaults to the product's first dataset. */
  dataset?: string;
  /** Fraction of good time slices required over the window, in (0, 1]. Default 0.8. */
  target?: number;
  /** Rolling window as a duration, e.g. `20d`. Default `20d`. */
  window?: string;
  /** Time slice as a duration, e.g. `1d`. Default `1d`. */
  slice?: string;
  /** Freshness: the longest acceptable time since the last update, e.g. `24h`. */
  maxAge?: string;
  /** Completeness: the largest acceptable drop below the trailing average, as a fraction. Default 0.05. */
  tolerance?: number;
  indicator?: ServiceLevelIndicator;
};

/** @public */
export type DataSharingAgreement = {
  purpose?: string;
  usage?: string;
  limitations?: string;
  /** Who approves access and how, e.g. "Owner approves in the portal within 2 working days". */
  approval?: string;
  termination?: string;
  /** How to request access / connect. */
  instructions?: string;
};

/** Names of the provisioned warehouse objects, as the platform reports them. @public */
export type DataProductInfrastructure = {
  stage?: string;
  platform?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  roles?: {
    consumer?: string;
    service?: string;
    owner?: string;
  };
};

/** @public */
export type DataProductSpec = {
  type: DataProductType;
  lifecycle: string;
  /** Entity ref of the owning group or user. */
  owner: string;
  /** Entity ref of the Backstage `Domain`. */
  domain: string;
  certified: boolean;
  datasets?: Dataset[];
  inputPorts?: InputPort[];
  outputPorts?: OutputPort[];
  slos?: ServiceLevelObjective[];
  dataSharingAgreement?: DataSharingAgreement;
  infrastructure?: DataProductInfrastructure;
};

/**
 * The `DataProduct` catalog entity: the canonical model.
 * @public
 */
// The parts are type aliases, not interfaces: only aliases are assignable to
// Entity's `spec: JsonObject` (interfaces have no implicit index signature).
export interface DataProductEntityV1alpha1 extends Entity {
  apiVersion: typeof DATA_PRODUCT_API_VERSION;
  kind: typeof DATA_PRODUCT_KIND;
  spec: DataProductSpec;
}
