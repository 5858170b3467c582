export {
  InfrastructureService,
  WarehouseUnavailableError,
} from './InfrastructureService';
export type { InfrastructureServiceOptions } from './InfrastructureService';
export { createInfrastructureRouter } from './router';
export type { InfrastructureRouterOptions } from './router';
export { createSecretRedactor } from './redact';
export { accessGrantSourceFromStore } from './accessDrift';
export type { AccessGrantSource } from './accessDrift';
export { AccessDriftRepair } from './accessRepair';
export type { AccessDriftRepairOptions } from './accessRepair';
export { SandboxDeletion } from './sandboxes';
export type { SandboxDeletionOptions } from './sandboxes';
export { InfrastructureApply } from './infrastructureApply';
export type { InfrastructureApplyOptions } from './infrastructureApply';
export {
  CHANGE_REPORT_TOPIC,
  InfrastructureChangeReports,
} from './changeReports';
export type { InfrastructureChangeReportsOptions } from './changeReports';
export { InfrastructureRepairRuns, REPAIR_RUN_TOPIC } from './repairRuns';
export type { InfrastructureRepairRunsOptions } from './repairRuns';
export { RepairRunStore } from './RepairRunStore';
export { SandboxClaimStore } from './SandboxClaimStore';
export { SandboxClaims } from './sandboxClaims';
export type { SandboxClaimsOptions } from './sandboxClaims';
export {
  SandboxCreation,
  SANDBOX_SETTLE_ON_SHUTDOWN_MS,
  SANDBOX_TOPIC,
  readSandboxAnswerWithinMs,
} from './sandboxCreate';
export type { SandboxCreationOptions } from './sandboxCreate';
export { UnexplainedGrantStore } from './UnexplainedGrantStore';
export {
  UNEXPLAINED_GRANTS_TASK_ID,
  UNEXPLAINED_GRANTS_TOPIC,
  UnexplainedGrantWatch,
  unexplainedGrantsView,
} from './unexplainedGrants';
export { SandboxExpiryNoticeStore } from './SandboxExpiryNoticeStore';
export {
  SANDBOX_EXPIRY_TASK_ID,
  SANDBOX_EXPIRY_TOPIC,
  SandboxExpiry,
  readSandboxExpiryConfig,
  scheduleSandboxExpiry,
} from './sandboxExpiry';
export type {
  SandboxExpiryReport,
  SandboxExpirySettings,
} from './sandboxExpiry';
export { SandboxKeeping } from './sandboxKeep';
export type { SandboxKeepingOptions } from './sandboxKeep';
export { LeftoverCleanup } from './leftovers';
export type { LeftoverCleanupOptions } from './leftovers';
export { LeftoverStore } from './LeftoverStore';
export { setupLeftovers } from './leftoversSetup';
export {
  LEFTOVERS_TOPIC,
  LEFTOVERS_WATCH_TASK_ID,
  LeftoversWatch,
  leftoversNotice,
  leftoversSeenView,
  readLeftoversWatchConfig,
  scheduleLeftoversWatch,
} from './leftoverWatch';
export type {
  LeftoversWatchReport,
  LeftoversWatchSettings,
} from './leftoverWatch';
