/**
 * Test utilities for warehouse adapter packages and their consumers: the
 * shared behaviour suite, a test DataProduct factory, and a warehouse
 * service for test backends.
 *
 * @packageDocumentation
 */
export * from './behaviourSuite';
export * from './products';
export * from './provision';
export * from './warehouseService';
export * from '../lifecycle/retirementBehaviourSuite';
export * from '../warehouse/sandboxBehaviourSuite';
export * from '../warehouse/leftoversBehaviourSuite';
export * from '../warehouse/qualityBehaviourSuite';
