export interface Config {
  dataMesh?: {
    warehouse?: {
      /**
       * Which installed warehouse the backend, the scaffolder actions and the
       * CLI use: `pglite` (embedded, the default), `postgres`, `snowflake`, or
       * the type of another installed adapter factory. Each type's settings
       * sit beside it, under its own name.
       */
      type?: string;
    };
    /**
     * How data products are provisioned in the warehouse: names and layers.
     * Every value is validated at startup; see DEFAULT_PLATFORM_CONFIG in
     * @datamesh/plugin-data-mesh-node for the defaults.
     */
    provisioning?: {
      /** Organisation identifier, the `{org}` token. Default `acme`. */
      organization?: string;
      /** Allowed stages. Default `[dev, test, prod]`. */
      stages?: string[];
      /** Stage of products whose spec names none. Default `dev`. */
      defaultStage?: string;
      /**
       * Naming templates. Tokens: {org} {domain} {stage} {product} {layer} {role}.
       */
      naming?: {
        /** Default `{org}_{domain}_wh`. */
        compute?: string;
        /** Default `{org}_{domain}_{stage}`. */
        database?: string;
        /** Default `{product}_{layer}`. */
        schema?: string;
        /** Default `{domain}_{product}_{role}`. */
        role?: string;
      };
      /** The `{layer}` token per layer. */
      layers?: {
        /** Default `raw`. */
        raw?: string;
        /** Default `intermediates`. */
        intermediate?: string;
        /** Default `output`. */
        output?: string;
      };
      compute?: {
        /** Warehouse size (Snowflake). Default `XSMALL`. */
        size?: string;
        /** Default 60. */
        autoSuspendSeconds?: number;
      };
      /** Role the product owner roles are granted to. Default: the adapter's (Snowflake `SYSADMIN`, PostgreSQL none). */
      parentRole?: string;
      /** Metadata columns of the information architecture. */
      metadataColumns?: {
        /** Default `loaded_at`. */
        loadedAt?: string;
        /** Default `record_type`. */
        recordType?: string;
        /** Default `source_system`. */
        sourceSystem?: string;
      };
    };
    access?: {
      /**
       * Groups of the platform team, as entity refs (`group:default/data-platform`,
       * or a bare name, read as a group in the default namespace). The portal's
       * permission policy lets their members decide on, revoke, extend and
       * retire any data product, not only the ones their groups own.
       */
      adminGroups?: string[];
    };
  };
}
