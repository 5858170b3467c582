/*
 * SLO maths, pure: durations, objectives with defaults, indicator checks and
 * OpenSLO timeslices (SLI, error budget, burn rate). Shared by the backend's
 * engine, the frontend (formatting) and tests.
 */
export * from './duration';
export * from './objective';
export * from './checks';
export * from './timeslices';
export * from './window';
export * from './observation';
export * from './api';
