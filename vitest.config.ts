import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    // Playwright's e2e/*.spec.ts are not vitest's to collect.
    include: ['server/**/*.test.ts', 'scripts/**/*.test.ts', 'deploy/**/*.test.ts', 'testkit/**/*.test.ts', 'lib/**/*.test.ts', 'app/**/*.test.ts', 'components/**/*.test.ts'],
    environment: 'node',
    // Compiles dist/server once, before the workers start the sync server from it.
    globalSetup: ['testkit/vitestGlobalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
