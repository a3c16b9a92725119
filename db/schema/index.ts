export * from './accounts';
export * from './events';
export * from './instance';
export * from './jobs';
export * from './media';
export * from './organisations';
export * from './specialists';
export * from './workflows';
