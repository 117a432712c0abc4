export * from './event.js';
export * from './alert.js';
export * from './action.js';
export * from './errors.js';
export * from './alert-view.js';
export * from './channel.js';
export * from './doctor.js';
export * from './links.js';
