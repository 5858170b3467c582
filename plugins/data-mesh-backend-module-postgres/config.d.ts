export interface Config {
  dataMesh?: {
    warehouse?: {
      /** Settings of warehouse type `pglite`, the embedded default. */
      pglite?: {
        /**
         * Directory of the embedded warehouse's data files, relative to the
         * backend's working directory. Default `.data/warehouse`.
         */
        dataDir?: string;
      };
      /** Settings of warehouse type `postgres`. */
      postgres?: {
        /**
         * Admin connection: a superuser, or a role with CREATEROLE and
         * CREATEDB. A connection string or pg connection options.
         * @visibility secret
         */
        connection:
          | string
          | {
              host?: string;
              port?: number;
              user?: string;
              /** @visibility secret */
              password?: string;
              database?: string;
              ssl?: boolean | object;
            };
        /**
         * `database` (default): a real database per organisation-domain-stage.
         * `schema-prefix`: everything in the connection's database, schemas
         * named `<database>__<schema>`.
         */
        layout?: 'database' | 'schema-prefix';
      };
    };
  };
}
