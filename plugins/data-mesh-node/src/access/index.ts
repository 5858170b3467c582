export * from './executor';
export * from './grants';
