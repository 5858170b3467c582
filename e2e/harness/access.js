'use strict';

/* What several access scenarios do the same way in the portal. */

const { log } = require('./util');

/**
 * Request access to an output port of `product` from its page, as the
 * signed-in user of `page`: the port named `port` (else the first), on
 * behalf of the option matching `consumer`, with `purpose`, the agreement
 * accepted. The created request, as the backend answered; the dialog shows
 * it Pending.
 */
async function requestAccess(
  page,
  baseUrl,
  { product, port, purpose, consumer },
) {
  await page.goto(`${baseUrl}/catalog/default/dataproduct/${product}`);
  await page
    .getByRole('button', {
      name: port ? `Request access to ${port}` : /^Request access to /,
    })
    .first()
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /^On behalf of/ }).click();
  await page.getByRole('option', { name: consumer }).first().click();
  await dialog.locator('#access-purpose').fill(purpose);
  await dialog
    .getByRole('checkbox', { name: 'I accept the data-sharing agreement' })
    .check();
  const [response] = await Promise.all([
    page.waitForResponse(
      r =>
        r.request().method() === 'POST' &&
        /\/api\/data-mesh\/access-requests$/.test(new URL(r.url()).pathname),
    ),
    dialog.getByRole('button', { name: 'Send request' }).click(),
  ]);
  if (!response.ok()) {
    throw new Error(
      `request refused: ${response.status()} ${await response.text()}`,
    );
  }
  const created = await response.json();
  await dialog.getByTestId('access-request-created').waitFor();
  await dialog.getByText('Pending', { exact: true }).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();
  log(`request ${created.id}: ${created.state}, grantee ${created.grantee}`);
  return created;
}

module.exports = { requestAccess };
