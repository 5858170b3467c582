/**
 * Test utilities of the data-mesh backend for the tests of its modules: the
 * database engines the plugin is tested on, and a probe that reaches a test
 * backend's warehouse.
 *
 * @packageDocumentation
 */
export * from './databases';
export * from './warehouseProbe';
