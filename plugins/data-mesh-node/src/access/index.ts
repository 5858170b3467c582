export * from './executor';
export * from './grants';
export * from './drift';
