/*
 * The one place that loads `snowflake-sdk`.
 *
 * The driver probes cloud metadata endpoints (AWS, Azure, GCP) when it is
 * loaded unless SNOWFLAKE_DISABLE_PLATFORM_DETECTION is set, which costs
 * seconds of timeouts on a machine that is not in those clouds and sends
 * requests nobody asked for. The variable must be set before the module is
 * evaluated, hence a `require` after the assignment rather than an import
 * (imports are hoisted). An explicit value set by the operator wins.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';

if (process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION === undefined) {
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const snowflake: typeof import('snowflake-sdk') = require('snowflake-sdk');

let sink: LoggerService | undefined;

// The driver's logging is global. Route it to the Backstage logger once one
// is known (before that, its lines are dropped rather than printed to the
// console). The driver masks secrets in messages before a custom logger
// sees them.
snowflake.configure({
  logLevel: 'WARN',
  customLogger: {
    error: m => sink?.error(`snowflake-sdk: ${m}`),
    warn: m => sink?.warn(`snowflake-sdk: ${m}`),
    info: m => sink?.debug(`snowflake-sdk: ${m}`),
    debug: m => sink?.debug(`snowflake-sdk: ${m}`),
    trace: () => undefined,
  },
});

/** Sends the driver's own log lines to this logger. @internal */
export function setDriverLogger(logger: LoggerService): void {
  sink = logger;
}

export { snowflake };
