export * from './events';
export * from './jobs';
export * from './organisations';
export * from './specialists';
export * from './workflows';
