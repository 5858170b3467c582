module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // This module is part of the data-mesh plugin and drives its SLO engine:
    // the extension point and the engine's SloStore/collector types are the
    // plugin's own (data-mesh-backend and its /alpha and /testUtils entries).
    '@backstage/no-mixed-plugin-imports': 'off',
  },
});
