/**
 * Test utilities for warehouse adapter modules: the shared behaviour suite
 * and a test DataProduct factory.
 *
 * @packageDocumentation
 */
export * from './behaviourSuite';
export * from './products';
