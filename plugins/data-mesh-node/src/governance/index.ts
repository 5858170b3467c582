/*
 * The governance rules in force, read from config the same way by every
 * node-side user of the engine: the CLI, the scaffolder action, the catalog
 * processor and the backend (issue 9 §2).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@backstage/config';
import {
  type GovernanceRuleSet,
  loadGovernanceRules,
} from '@datamesh/plugin-data-mesh-common';
import { readPlatformConfig } from '../warehouse/platform';

/** The rules, with the platform's default stage the engine judges at. @public */
export interface GovernanceSettings extends GovernanceRuleSet {
  defaultStage: string;
}

/**
 * Reads `dataMesh.governance.rules` and the file named by
 * `dataMesh.governance.rulesFile` (relative to `baseDir`, default the
 * working directory) and compiles them after the built-ins. A file that
 * cannot be read is an issue located at its config key, like a rule that
 * does not compile: the caller reports it, and nothing passes silently.
 * @public
 */
export async function readGovernanceSettings(
  config: Config,
  options: { baseDir?: string } = {},
): Promise<GovernanceSettings> {
  const gov = config.getOptionalConfig('dataMesh.governance');
  const configRules = gov?.getOptional('rules');
  const rulesFile = gov?.getOptionalString('rulesFile');
  let file: { name: string; text: string } | undefined;
  let unreadable: string | undefined;
  if (rulesFile) {
    const full = path.resolve(options.baseDir ?? process.cwd(), rulesFile);
    try {
      file = { name: rulesFile, text: fs.readFileSync(full, 'utf8') };
    } catch (e) {
      unreadable = `cannot read ${full}: ${(e as Error).message}`;
    }
  }
  const set = await loadGovernanceRules({ configRules, rulesFile: file });
  if (unreadable) {
    set.issues.unshift({
      severity: 'error',
      path: 'dataMesh.governance.rulesFile',
      message: unreadable,
    });
  }
  let defaultStage = 'dev';
  try {
    defaultStage = readPlatformConfig(config).defaultStage;
  } catch {
    // an invalid provisioning config is reported by provisioning itself
  }
  return { ...set, defaultStage };
}
