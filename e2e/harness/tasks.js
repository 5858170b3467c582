'use strict';

/* Scaffolder tasks started from the Create page, as every template scenario waits for them. */

const { log, waitFor } = require('./util');

/**
 * After Create was clicked: waits for the task page, then for the task to
 * finish; throws with the tail of its log unless it completed. Returns the
 * task id.
 */
async function waitForTask(page, api, { started, deadlineMs, tailLines }) {
  await page.waitForURL(/\/create\/tasks\/[^/]+$/);
  const taskId = new URL(page.url()).pathname.split('/').pop();
  const done = await waitFor(
    `task ${taskId} to finish`,
    async () => {
      const body = await api(`/api/scaffolder/v2/tasks/${taskId}`);
      return ['completed', 'failed', 'cancelled'].includes(body.status)
        ? body
        : undefined;
    },
    deadlineMs,
    1000,
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (done.status !== 'completed') {
    const events = await api(`/api/scaffolder/v2/tasks/${taskId}/events`).catch(
      () => [],
    );
    const tail = events
      .map(e => `[${e.body?.stepId ?? '-'}] ${e.body?.message ?? ''}`)
      .slice(-tailLines)
      .join('\n  ');
    throw new Error(`task ${done.status} after ${seconds} s:\n  ${tail}`);
  }
  log(`task ${taskId} completed ${seconds} s after Create`);
  return taskId;
}

module.exports = { waitForTask };
