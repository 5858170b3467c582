import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useCallback } from 'react';
import { scaffolderTaskRouteRef } from '../../routes';
import { BREAKABLE_IDENTIFIER } from '../common';
import type { AuditWords, ChangeLinks } from './auditWords';

/**
 * The app's links for changes made elsewhere: a template's task page when
 * the app has the scaffolder (the route is optional).
 */
export function useChangeLinks(): ChangeLinks {
  const taskRoute = useRouteRef(scaffolderTaskRouteRef);
  const task = useCallback(
    (taskId: string) => taskRoute?.({ taskId }),
    [taskRoute],
  );
  return { task };
}

/** Where a change ran, in words, with its task or run linked. */
export function ChangeWhere(props: {
  where: NonNullable<AuditWords['where']>;
}) {
  const { text, link, after } = props.where;
  return (
    <>
      {text}
      {link && (
        <>
          {' ('}
          <Link to={link.href} style={BREAKABLE_IDENTIFIER}>
            {link.text}
          </Link>
          )
        </>
      )}
      {after}
    </>
  );
}
