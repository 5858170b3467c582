'use strict';

/* Chromium through playwright-core, and page helpers shared by scenarios. */

const fs = require('node:fs');
const path = require('node:path');
const { ROOT, REPORT_DIR, log } = require('./util');

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

function assertChromiumInstalled() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) or set E2E_CHROMIUM`,
    );
  }
}

/** Debian's Chromium, headless, without the background services a CI box lacks. */
async function launchChromium() {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
  });
  return { browser, context };
}

/** A new tab; its uncaught errors are collected in `errors`. */
async function openPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  return { page, errors };
}

/**
 * Signs in as guest. The session is remembered in the browser context, so
 * later tabs and full navigations stay signed in.
 */
async function signInAsGuest(page, baseUrl) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  await sidebarLink(page, 'Catalog').waitFor();
}

function sidebarLink(page, name) {
  return page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name, exact: true });
}

/**
 * The card with this exact title (and `has`, if given). Catalog cards are
 * either Material UI cards (InfoCard) or Backstage UI cards (<article>);
 * the innermost match is the card itself, not the page around it.
 */
function cardTitled(page, heading, has) {
  let candidates = page.locator('article, .MuiCard-root').filter({
    has: page.getByText(heading, { exact: true }),
  });
  if (has) candidates = candidates.filter({ has });
  return candidates.last();
}

/** The entity refs of the catalog-graph nodes in `card` (each node's SVG <title>). */
function graphNodeRefs(card) {
  return card
    .locator('svg g > title')
    .evaluateAll(titles => titles.map(t => t.textContent));
}

/** Screenshot and HTML of `page` as e2e-test-report/failure-<name>.{png,html}. */
async function saveFailureEvidence(page, name) {
  try {
    const file = path.join(REPORT_DIR, `failure-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    fs.writeFileSync(
      path.join(REPORT_DIR, `failure-${name}.html`),
      await page.content(),
    );
    log(`screenshot: ${path.relative(ROOT, file)} (page URL ${page.url()})`);
  } catch (error) {
    log(`could not save a screenshot: ${error.message}`);
  }
}

/**
 * A new browser context (its own localStorage, so nobody is signed in) with
 * a tab signed in as the example user `displayName`.
 */
async function signInAs(browser, baseUrl, displayName) {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(baseUrl);
  await page.getByRole('button', { name: /^User\b/ }).click();
  await page
    .getByRole('option', { name: new RegExp(`^${displayName}\\b`) })
    .click();
  await page.getByRole('button', { name: 'Sign in as this user' }).click();
  await sidebarLink(page, 'Catalog').waitFor();
  return { context, page };
}

/**
 * Runs `fn(as)`, where `as(displayName)` is a tab signed in as that example
 * user in a fresh browser context; what `fn` returned. The contexts are
 * closed afterwards. The harness saves the guest's tab when a scenario
 * fails; with `evidence`, the last signed-in tab is saved under that name.
 */
async function asExampleUsers(browser, baseUrl, evidence, fn) {
  const contexts = [];
  let current;
  const as = async displayName => {
    const session = await signInAs(browser, baseUrl, displayName);
    contexts.push(session.context);
    current = session.page;
    return session.page;
  };
  try {
    return await fn(as);
  } catch (error) {
    if (current && evidence) await saveFailureEvidence(current, evidence);
    throw error;
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
}

module.exports = {
  assertChromiumInstalled,
  launchChromium,
  openPage,
  signInAsGuest,
  signInAs,
  asExampleUsers,
  sidebarLink,
  cardTitled,
  graphNodeRefs,
  saveFailureEvidence,
};
