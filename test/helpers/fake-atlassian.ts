// Kept for test/pipeline/crash.test.ts (the lead's, being rewritten) and bench/load.ts (pg's): the fake lives in test/fakes/atlassian.ts.
export * from '../fakes/atlassian.js';
