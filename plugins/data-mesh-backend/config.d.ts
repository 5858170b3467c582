import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

/**
 * Configuration schema of the data-mesh backend plugin. Other parts of the
 * plugin add their own keys under `dataMesh`; keep each part's keys in its
 * own block below.
 */
export interface Config {
  dataMesh?: {
    warehouse?: {
      /**
       * Which registered warehouse adapter the plugin uses: `pglite`
       * (embedded, the default), `postgres` or `snowflake`. The adapter comes
       * from a backend module (data-mesh-backend-module-postgres, -snowflake).
       */
      type?: string;
    };

    /** The SLO engine. */
    slo?: {
      /**
       * When the collection runs: monitors are synced from the catalog, each
       * warehouse database is asked once for the stats of all monitored
       * tables, checks are evaluated and breaches notified. Default: every 5
       * minutes, timeout 4 minutes, initial delay 30 seconds. A slice shorter
       * than the frequency is rejected for the objective (most of its slices
       * would have no data).
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Defaults for what an objective does not say. */
      defaults?: {
        /** Rolling window, e.g. `20d` (default). Syntax: a whole number and m, h, d or w. */
        window?: string;
        /** Time slice, e.g. `1d` (default). The window must be a whole number of slices. */
        slice?: string;
        /** Fraction of good slices required, in (0, 1]. Default 0.8. */
        target?: number;
        /** Completeness: largest acceptable drop below the trailing average, in [0, 1). Default 0.05. */
        tolerance?: number;
      };
      /**
       * How long observations and slice history are kept, e.g. `30d`
       * (default). Never less than the longest window plus two slices: a
       * shorter value is raised to that.
       */
      retention?: string;
      /**
       * How long raw observations (one row per objective per cycle: the
       * largest table by far) are kept, e.g. `7d` (default). The slice
       * history used for SLIs and charts is kept for `retention`; only the
       * "latest observations" list, and re-bucketing history when an
       * objective's slice length changes, are limited to this.
       */
      observationRetention?: string;
      /** Slices the "recent" burn rate covers. Default 1 (the latest slice). */
      burnRateRecentSlices?: number;
      notifications?: {
        /** Notify the owning group once when an objective goes into breach. Default true. */
        enabled?: boolean;
      };
      /**
       * Monitors follow the catalog within seconds instead of at the next
       * collection: a new or changed product (announced by the data mesh
       * catalog module as it processes it) is synced, observed and
       * evaluated at once; a removed one is found by asking the catalog for
       * its number of DataProducts (a count, not the entities) every
       * `probeFrequency`, then one full reconcile runs.
       */
      liveSync?: {
        /** Default true. */
        enabled?: boolean;
        /** Default `{ seconds: 5 }`. */
        probeFrequency?: HumanDuration | string;
      };
    };

    /** The Changes timeline of each data product (src/changes). */
    changes?: {
      /**
       * When the catalog is reconciled: every DataProduct is read once, each
       * that changed gets a revision with its classified changes, and the
       * consumers with active access are notified of breaking ones. Default:
       * every minute, timeout 5 minutes, initial delay 20 seconds.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      notifications?: {
        /** Notify consumers with active access of each breaking revision once. Default true. */
        enabled?: boolean;
      };
    };

    /** Deprecation and retirement of data products (src/lifecycle). */
    lifecycle?: {
      /**
       * How long the archive of a retired product's output layer is kept
       * before a scheduled task drops it, e.g. `90d` (default) or `P90D`.
       */
      archiveRetention?: string;
      /**
       * How far back usage counts a read as "still reading" when a
       * retirement starts, e.g. `30d` (default) or `P30D`: such readers
       * keep the product from retiring unless forced with a reason.
       */
      readersLookBack?: string;
      notifications?: {
        /** Tell consumers holding grants when a product is deprecated (or its date changes). Default true. */
        enabled?: boolean;
      };
    };

    /** Feature-branch sandboxes made from the portal (src/infra). */
    sandboxes?: {
      /**
       * How long a request to make a sandbox waits for the copy before it
       * answers that the backend goes on (HTTP 202; the requester is
       * notified when it is done). Keep it under the timeout of the proxy
       * in front of Backstage. Default `{ seconds: 20 }`.
       */
      answerWithin?: HumanDuration | string;
      /**
       * How long a sandbox is kept, from when it was made, e.g. `30d` or
       * `P30D`: then the platform deletes it (held like any deletion, kept
       * in the product's audit trail) and tells the product's owners. A
       * sandbox holds a copy of the product's data, personal data
       * included, so a branch merged or abandoned should not leave one
       * behind. Not set (the default): sandboxes are kept until deleted.
       */
      expireAfter?: string;
      /**
       * How long before its expiry the product's owners are told, once; a
       * sandbox is never deleted sooner than this after they were told
       * (turning expiry on does not drop old sandboxes at once). Default
       * `3d` (half of `expireAfter` when that is shorter).
       */
      warnBefore?: string;
      /** The expiry round; global scope. Default every hour, initial delay 3 minutes. */
      expirySchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    /**
     * The leftovers watch: schemas and roles the platform marked as a data
     * product's that no product of the catalog declares (removed without
     * retirement, renamed, moved), looked for on a schedule as the Drift
     * page's Left behind does (one query per database, one for roles;
     * global scope, once across instances). Each is told once: to the
     * product's owners while it is in the catalog, to the platform team
     * (`dataMesh.access.adminGroups`) once it is gone from it (topic
     * `data-mesh-leftovers`); the home page counts them.
     */
    leftovers?: {
      /** Default true. */
      enabled?: boolean;
      /** Default every hour, timeout 10 minutes, initial delay 7 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How long a leftover is seen before anyone is told or the home page
       * counts it, e.g. `1h` (default) or `PT1H`: a catalog still ingesting
       * (after a restart, or a portal moved onto a warehouse in use) would
       * otherwise make every product look gone.
       */
      tellAfter?: string;
      notifications?: {
        /** Tell who decides of new leftovers. Default true. */
        enabled?: boolean;
      };
    };

    /** Usage per consumer (src/usage). */
    usage?: {
      /**
       * The usage collection: one ACCOUNT_USAGE query (Snowflake) or one
       * statistics query (PostgreSQL) per warehouse database; global scope.
       * Default every hour, timeout 10 minutes, initial delay 2 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    /** Data-quality checks of the products' specs, ODCS quality[] (src/quality). */
    quality?: {
      /**
       * Measure the checks on a schedule (default true). Off, the product
       * page still lists the checks, as not measured, and owners may run
       * them from it.
       */
      enabled?: boolean;
      /**
       * How often the portal looks for checks that are due and measures
       * them: one counting statement per warehouse database (per 100
       * tables), each table scanned once; global scope. Default every
       * hour, timeout 30 minutes, initial delay 5 minutes. A check's own
       * cron `schedule` is followed at this resolution.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often a check without its own cron `schedule` is measured,
       * counted from its latest result (the portal's, or its pipeline's
       * report), e.g. `1d`, `12h` or `P1D` (default a day).
       */
      interval?: string;
      /** How long results are kept, e.g. `90d` or `P90D` (default 90 days). */
      retention?: string;
      notifications?: {
        /** Tell a product's owners when a check of severity error starts failing (default true). */
        enabled?: boolean;
      };
    };

    /** Access requests to output ports (src/access). */
    access?: {
      /**
       * Duration of a request that names none, when the port's policy gives
       * no default: e.g. `90d` or ISO 8601 `P90D` (default 90 days).
       */
      defaultDuration?: string;
      /**
       * Longest access a request or an extension may reach (counted from
       * now), when the port's policy is not stricter. Default `P365D`.
       */
      maxDuration?: string;
      /** How long before the expiry requester, owners and consumer are warned. Default `7d`. */
      warnBefore?: string;
      /**
       * How long a request may wait for a decision before the product's
       * owners and the port's approvers are reminded of it, once. Default `3d`.
       */
      remindAfter?: string;
      /**
       * An active grant whose roles have not read the product this long
       * (counted from the grant) is flagged on the Access tab and its
       * owners are notified once. Only where the warehouse reports reads by
       * role (Snowflake). Default `30d`.
       */
      unusedAfter?: string;
      /**
       * Names of the warehouse roles of access requests. Lowercase letters,
       * digits and _ besides the tokens; a composed name must fit 63
       * characters.
       */
      naming?: {
        /** The role of one request. Tokens `{org}`, `{id}`. Default `{org}_access_{id}`. */
        requestRole?: string;
        /** A group's team role, the grantee of group requests. Tokens `{org}`, `{group}`. Default `team_{group}`. */
        teamRole?: string;
      };
      /**
       * The expiry sweep (expires, warns, retries warehouse grants and
       * revokes; global scope, once across instances). Default every 15
       * minutes, timeout 5 minutes, initial delay 1 minute.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      notifications?: {
        /** Notify owners of new requests, requesters of decisions, both before expiry. Default true. */
        enabled?: boolean;
      };
      /**
       * The unexplained-grants watch: the access grants of every product
       * checked against the access requests (one warehouse introspection,
       * global scope, once across instances); a product's owners are told
       * of each grant made by hand that no request explains, once (topic
       * `data-mesh-access-drift`; high severity when it reads personal data
       * in clear), when access notifications are enabled.
       */
      unexplainedGrants?: {
        /** Default true. */
        enabled?: boolean;
        /** Default every hour, timeout 10 minutes, initial delay 5 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
