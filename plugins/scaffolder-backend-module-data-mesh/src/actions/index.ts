export { createSpecValidateAction } from './specValidate';
export { createInfraPlanAction } from './infraPlan';
export { createInfraApplyAction } from './infraApply';
export { createSandboxCreateAction, sandboxSuffix } from './sandboxCreate';
export { createPublishLocalAction } from './publishLocal';
export { createProductDeprecateAction } from './productDeprecate';
