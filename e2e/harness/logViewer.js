'use strict';

const { waitFor } = require('./util');

/**
 * Reads a Backstage LogViewer through its own controls: `matching(text)`
 * types `text` into the viewer's search field with the filter on (the
 * toggle next to the field, clicked once), so only the matching lines remain, with
 * their line numbers in the whole log, and returns them as `{ line, text }`
 * sorted by line number. The list is virtualised: it is scrolled from top to
 * bottom to read every row.
 */
function logViewerReader(viewer) {
  const search = viewer.getByPlaceholder('Search');
  const rows = viewer.locator('a[role="row"]');
  let filterOn = false;
  // Every rendered row matches once the filter applies to this text: the
  // unfiltered log always has non-matching lines around a match.
  const onlyMatching = needle => async () => {
    const shown = await rows.evaluateAll(anchors =>
      anchors.map(a => (a.nextElementSibling?.textContent ?? '').toLowerCase()),
    );
    return shown.length > 0 && shown.every(t => t.includes(needle));
  };
  return {
    async matching(text) {
      await search.fill(text);
      if (!filterOn) {
        // the unlabelled filter toggle right after the search field
        await viewer.locator('.MuiTextField-root + button').click();
        filterOn = true;
      }
      await waitFor(
        `the task log filtered on "${text}"`,
        onlyMatching(text.toLowerCase()),
        10000,
        200,
      );
      const scroller = rows.first().locator('xpath=../../..');
      return scroller.evaluate(async el => {
        const seen = new Map();
        const frame = () =>
          new Promise(resolve =>
            requestAnimationFrame(() => requestAnimationFrame(resolve)),
          );
        el.scrollTop = 0;
        for (;;) {
          await frame();
          for (const a of el.querySelectorAll('a[role="row"]')) {
            seen.set(Number(a.textContent), a.nextElementSibling?.textContent);
          }
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
          el.scrollTop += Math.max(20, el.clientHeight - 40);
        }
        return [...seen]
          .map(([line, lineText]) => ({ line, text: lineText }))
          .sort((a, b) => a.line - b.line);
      });
    },
  };
}

module.exports = { logViewerReader };
