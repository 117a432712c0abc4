// Kept for bench/load.ts (owned by pg): the fake lives in test/fakes/slack.ts.
export * from '../fakes/slack.js';
