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
        /** The schema of masked views for consumers without a PII grant (PostgreSQL). Default `masked`. */
        masked?: string;
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
      /**
       * Groups (entity refs) that see every access request and what it
       * granted, without deciding on any: information governance, a data
       * protection officer. The portal's permission policy allows them
       * `data-mesh.access-request.read` on every data product.
       */
      auditorGroups?: string[];
    };
    /**
     * Governance policies (issue 9): rules in CEL over the canonical model,
     * run by `datamesh check`, the scaffolder's validate action, the catalog
     * processor and the backend, after the built-in rules (a rule with a
     * built-in's id replaces it).
     */
    governance?: {
      /** Rules written here; problems are reported at their key path. */
      rules?: Array<{
        /** Stable id, lowercase words joined by - _ or . */
        id: string;
        /** CEL over `entity`, `metadata`, `spec`, `stage`, `slo`; true when the product complies. */
        expression: string;
        /** Shown when the rule fails. */
        message: string;
        /** Where the convention is explained. */
        link?: string;
        /** `error`, `warn` (default) or `off` at stages not in `levels`. */
        level?: string;
        /** Level per stage, e.g. `{ dev: warn, prod: error }`. */
        levels?: { [stage: string]: string };
        /** YYYY-MM-DD: before this date an error is only a warning. */
        enforceFrom?: string;
      }>;
      /**
       * A YAML file of more rules (`rules:` list of the same shape), relative
       * to the working directory; problems are reported with file and line.
       */
      rulesFile?: string;
    };
  };
}
