'use strict';

/* Everything a scenario file needs from the harness, in one require. */

const { check, skip } = require('./report');
const {
  sidebarLink,
  graphNodeRefs,
  signInAs,
  asExampleUsers,
} = require('./browser');
const { logViewerReader } = require('./logViewer');
const util = require('./util');
const warehouseSql = require('./warehouseSql');
const { requestAccess } = require('./access');

module.exports = {
  check,
  skip,
  sidebarLink,
  graphNodeRefs,
  signInAs,
  asExampleUsers,
  requestAccess,
  logViewerReader,
  log: util.log,
  fetchJson: util.fetchJson,
  waitFor: util.waitFor,
  git: util.git,
  requireFrom: util.requireFrom,
  pgIdent: util.pgIdent,
  withWarehouse: util.withWarehouse,
  ...warehouseSql,
  datamesh: util.datamesh,
  ROOT: util.ROOT,
  REPORT_DIR: util.REPORT_DIR,
};
