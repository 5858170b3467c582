import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

/**
 * Route of the "Data products" page. A legacy route ref, because the same ref
 * serves both app systems (the new one accepts it through
 * `convertLegacyRouteRef`), so links bound in either kind of app resolve.
 *
 * @public
 */
export const dataProductsRouteRef = createRouteRef({ id: 'data-mesh' });

/**
 * Route of the "My data products" page (the owners' SLO dashboard),
 * `/data-products/mine` by default.
 *
 * @public
 */
export const myDataProductsRouteRef = createRouteRef({
  id: 'data-mesh:my-data-products',
});

/**
 * Route of the "My access" page (the signed-in user's access requests),
 * `/data-products/my-access` by default.
 *
 * @public
 */
export const myAccessRouteRef = createRouteRef({
  id: 'data-mesh:my-access',
});

/**
 * The scaffolder's page of a task, `/create/tasks/:taskId` in an app with
 * the scaffolder: a change a template step made (on the audit trail, or a
 * sandbox being made on the Infrastructure card) links to its task's log.
 * Bound by default in the new frontend system; an app without the
 * scaffolder (or a legacy app that does not bind it) shows the task's id
 * unlinked.
 *
 * @public
 */
export const scaffolderTaskRouteRef = createExternalRouteRef({
  id: 'data-mesh:scaffolder-task',
  optional: true,
  params: ['taskId'],
  defaultTarget: 'scaffolder.ongoingTask',
});
