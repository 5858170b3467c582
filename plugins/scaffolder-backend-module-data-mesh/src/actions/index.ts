export { createSpecValidateAction } from './specValidate';
export { createInfraPlanAction } from './infraPlan';
export { createInfraApplyAction } from './infraApply';
export { createSandboxCreateAction } from './sandboxCreate';
export { createSandboxDeleteAction } from './sandboxDelete';
export { sandboxSuffix } from './sandbox';
export { createPublishLocalAction } from './publishLocal';
export { createProductDeprecateAction } from './productDeprecate';
