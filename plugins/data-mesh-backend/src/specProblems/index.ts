/*
 * Spec problems and "Check a spec", assembled; plugin.ts calls
 * setupSpecProblems once.
 */
import type {
  AuthService,
  DiscoveryService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
  UrlReaderService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type GovernanceSettings,
  type PlatformConfig,
  type WarehouseAdapter,
  readGovernanceSettings,
} from '@datamesh/plugin-data-mesh-node';
import type express from 'express';
import { createSecretRedactor } from '../infra';
import { checkSpec } from './checkSpec';
import { createSpecProblemsRouter } from './router';
import { SpecProblemsService } from './SpecProblemsService';

export { SpecProblemsService, groupSpecProblems } from './SpecProblemsService';
export { checkSpec, PASTED_FILE } from './checkSpec';
export { createSpecProblemsRouter, MAX_SPEC_BYTES } from './router';

/** Wire spec problems and the spec check into the plugin; returns their router. */
export function setupSpecProblems(deps: {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  auth: AuthService;
  userInfo: UserInfoService;
  discovery: DiscoveryService;
  urlReader: UrlReaderService;
  catalog: CatalogService;
  platform: PlatformConfig;
  getAdapter: () => Promise<WarehouseAdapter>;
  clock?: { now(): number };
}): express.Router {
  const service = new SpecProblemsService(deps);
  // read once, when first needed: the rules do not change while running
  let governance: Promise<GovernanceSettings> | undefined;
  const redact = createSecretRedactor(deps.config);
  return createSpecProblemsRouter({
    httpAuth: deps.httpAuth,
    userInfo: deps.userInfo,
    service,
    check: request =>
      checkSpec(request, {
        urlReader: deps.urlReader,
        governance: () => (governance ??= readGovernanceSettings(deps.config)),
        platform: deps.platform,
        getAdapter: deps.getAdapter,
        redact,
      }),
  });
}
