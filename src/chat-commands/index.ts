export * from './parse.js';
export * from './activity.js';
export * from './alerts.js';
export * from './status.js';
export * from './run.js';
export * from './home.js';
