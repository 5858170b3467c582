export interface Config {
  dataMesh?: {
    warehouse?: {
      /**
       * Snowflake connection of the data-mesh backend. Registers the warehouse
       * type `snowflake`; select it with `dataMesh.warehouse.type: snowflake`.
       */
      snowflake?: {
        /**
         * Account identifier, e.g. `myorg-myaccount` (preferred) or an account
         * locator with region such as `xy12345.eu-central-1`.
         */
        account: string;
        /** Login name of the service user the platform provisions with. */
        username: string;
        /**
         * Password authentication. Set exactly one of `password`,
         * `privateKey` and `privateKeyPath`.
         * @visibility secret
         */
        password?: string;
        /**
         * Key-pair authentication: the PEM text of the user's private key
         * (PKCS#8; the public key is registered with
         * `ALTER USER … SET RSA_PUBLIC_KEY = '…'`).
         * @visibility secret
         */
        privateKey?: string;
        /** Key-pair authentication: path to the PEM file of the private key. */
        privateKeyPath?: string;
        /**
         * Passphrase of an encrypted private key.
         * @visibility secret
         */
        passphrase?: string;
        /**
         * Role of the session. It must be able to create roles, databases and
         * warehouses and to manage grants (e.g. ACCOUNTADMIN, or a custom role
         * holding CREATE ROLE, CREATE DATABASE, CREATE WAREHOUSE and MANAGE
         * GRANTS), and it must inherit the parent role of the product roles
         * (`dataMesh.provisioning.parentRole`, default SYSADMIN). Default: the
         * user's default role.
         */
        role?: string;
        /**
         * Warehouse the platform's own metadata queries (INFORMATION_SCHEMA:
         * introspection, table statistics) run on. X-Small is plenty.
         */
        warehouse: string;
        /**
         * Full service URL, when it is not
         * `https://<account>.snowflakecomputing.com` (private link, or a test
         * server).
         */
        accessUrl?: string;
        /** Network timeout per request, in milliseconds. */
        timeoutMs?: number;
      };
    };
  };
}
