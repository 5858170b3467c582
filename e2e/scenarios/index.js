'use strict';

/* Every scenario, in the order `npm run test:e2e` runs them. */

module.exports = [
  require('./example-product'),
  require('./catalog-table'),
  require('./product-page'),
  require('./slos-tab'),
  require('./create-data-product'),
  require('./created-product-page'),
  require('./new-product-objectives'),
  require('./local-repository'),
  require('./changes-timeline'),
  require('./warehouse-refusals'),
  require('./access-request'),
  require('./access-repair'),
  require('./access-warehouse'),
  require('./recorded-access'),
  require('./two-level-approval'),
  require('./hand-made-grant'),
  require('./sandbox-delete'),
  require('./data-quality'),
  require('./infrastructure-drift'),
  require('./leftover-schemas'),
  require('./deprecate'),
  require('./spec-problems'),
  require('./mesh-map'),
  require('./search'),
  require('./retire'),
];
