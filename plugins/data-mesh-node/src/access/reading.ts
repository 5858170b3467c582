/*
 * How a consumer reads what an access request granted: the database to
 * connect to, the role to take and the tables of the port, in the
 * warehouse's own spelling. A consumer cannot guess these: the names come
 * from the platform's naming templates, PostgreSQL may keep each domain in
 * a database of its own, and on warehouses that mask with views a request
 * without personal data reads a second schema of masked views.
 *
 * Pure: the names are those of the product's desired state, checked by the
 * dialect; nothing is asked of the warehouse.
 */
import {
  type DataProductEntityV1alpha1,
  personalDataColumns,
  toSqlName,
} from '@datamesh/plugin-data-mesh-common';
import type {
  ProvisionedProduct,
  WarehouseCapabilities,
  WarehouseDialect,
} from '../warehouse/types';

/** One table a port serves, as the request reads it. @public */
export interface ReadableTable {
  /** The dataset's name in the spec. */
  dataset: string;
  /** The quoted, qualified table (or masked view) to select from. */
  table: string;
  /** Personal-data columns the request reads masked (`***` or NULL); empty when it reads them in clear. */
  maskedColumns: string[];
}

/** Where and as whom one access request reads its port. @public */
export interface PortReading {
  /**
   * The database a SQL client connects to, when it matters (PostgreSQL
   * with a database per domain); absent when the connection's own database
   * holds the tables or the qualified names say it (Snowflake).
   */
  database?: string;
  /** The role to read as: the request's grantee, which holds the grant. */
  role: string;
  tables: ReadableTable[];
  /** The statements to run, in order: take the role, then one query per table. */
  statements: string[];
}

/** What a reading is made from. @public */
export interface PortReadingRequest {
  product: DataProductEntityV1alpha1;
  /** The product's names, from its desired state. */
  names: ProvisionedProduct;
  outputPort: string;
  /** The request's grantee role (a team's role, or a product's service role). */
  grantee: string;
  /** The request reads personal data in clear. */
  pii: boolean;
}

/**
 * The tables of a port and the statements that read them as the request's
 * grantee. A port names its dataset; a port without one serves every
 * dataset of the product (the grant is the product's consumer role, which
 * reads its whole output schema). Throws `InvalidIdentifierError` for a
 * name the dialect refuses.
 * @public
 */
export function portReading(
  request: PortReadingRequest,
  warehouse: {
    dialect: WarehouseDialect;
    capabilities: Pick<WarehouseCapabilities, 'compute'>;
  },
): PortReading {
  const { product, names, grantee } = request;
  const { dialect } = warehouse;
  const port = product.spec.outputPorts?.find(
    p => p.name === request.outputPort,
  );
  const datasets = (product.spec.datasets ?? []).filter(
    d => !port?.dataset || d.name === port.dataset,
  );
  // with masked views the clear tables are the PII role's alone; masking
  // policies mask in place, so every request reads the output tables
  const clear = request.pii && Boolean(names.piiRole);
  const schema =
    names.maskedSchema && !clear ? names.maskedSchema : names.outputSchema;
  const tables = datasets.map(
    (d): ReadableTable => ({
      dataset: d.name,
      table: dialect.qualifiedTable(
        { database: names.database, schema },
        toSqlName(d.name),
      ),
      maskedColumns: clear
        ? []
        : personalDataColumns(product, d.name).map(c => c.column),
    }),
  );
  const session = dialect.readerSession({
    role: grantee,
    database: names.database,
    ...(warehouse.capabilities.compute ? { compute: names.compute } : {}),
  });
  return {
    ...(session.database ? { database: session.database } : {}),
    role: dialect.quoteIdentifier(grantee),
    tables,
    statements: [
      ...session.statements,
      ...tables.map(t => `SELECT * FROM ${t.table} LIMIT 10`),
    ],
  };
}
