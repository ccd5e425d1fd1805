export * from './errors';
export * from './validation';
export * from './languages';
export * from './limits';
export * from './sessions';
export * from './realtime';
export * from './yjs-messages';
export * from './execution';
