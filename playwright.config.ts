import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'
import { QUIET_EXPECT_TIMEOUT_MS, QUIET_TEST_TIMEOUT_MS, slownessFromEnvironment } from './e2e/support/machineSlowness'

/**
 * End-to-end tests. The global setup builds the web app when the build is
 * stale; then every worker starts its own sync server and `next start` on free
 * ports with a fresh data directory and a fixed test secret
 * (e2e/fixtures/stack.ts). The kit owns those processes, rather than
 * `webServer`, so a test can kill and restart the sync server mid-test without
 * disturbing tests in other workers.
 */

// Debian's Chromium when present (machines without internet cannot run `npx playwright install`); Playwright's own elsewhere,
// which `npm run test:e2e` installs first when it is missing (e2e/support/ensureBrowser.mjs).
const SYSTEM_CHROMIUM = '/usr/bin/chromium'
const launchOptions = existsSync(SYSTEM_CHROMIUM)
  ? {
      executablePath: SYSTEM_CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    }
  : {}

// How much slower than a quiet machine this one is as the run starts (measured once by the runner; its
// workers inherit the figure). Each test measures again as it starts and scales its own timeout and
// waits (e2e/fixtures/pace.ts): a CI runner whose cores are busy with other work gets the time it needs.
process.env.E2E_START_SLOWNESS ??= String(slownessFromEnvironment())
const startSlowness = Number(process.env.E2E_START_SLOWNESS)

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  globalSetup: './e2e/support/globalSetup.ts',
  timeout: QUIET_TEST_TIMEOUT_MS * startSlowness,
  expect: { timeout: QUIET_EXPECT_TIMEOUT_MS * startSlowness },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Two cores: two workers, each with its own pair of servers, keep both busy without starving the servers.
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    ...devices['Desktop Chrome'],
    browserName: 'chromium',
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
})
