/*
 * Governance policies as code (issue 9 §2): built-in rules and rules in
 * CEL from config or a file, one engine for the CLI, the scaffolder, the
 * catalog processor and the backend.
 */
export * from './types';
export { BUILTIN_GOVERNANCE_RULES } from './builtins';
export {
  GOVERNANCE_VARIABLES,
  loadGovernanceRules,
  type CompiledGovernanceRule,
  type GovernanceRuleInputs,
  type GovernanceRuleSet,
} from './compile';
export * from './evaluate';
export * from './api';
