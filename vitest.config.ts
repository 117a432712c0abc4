import { configDefaults, defineConfig } from 'vitest/config';
import { excludeForMissingServers } from './test/helpers/servers.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Outside CI, test files whose server (redis-server, PostgreSQL) is not installed are left out and named once,
    // with the command that installs it; under CI=true they run and fail (.ci/run installs the servers).
    exclude: [...configDefaults.exclude, ...excludeForMissingServers(import.meta.dirname)],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    restoreMocks: true,
  },
});
