export * from './executor';
export * from './grants';
export * from './drift';
export * from './reading';
