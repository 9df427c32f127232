import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { defineConfig, devices } from '@playwright/test'

/**
 * End-to-end tests: a production build of the web app and the sync server,
 * each on a free port, sharing one fresh DATA_DIR and a fixed test secret.
 *
 * This file is evaluated by the runner and again by every worker; the ports
 * and directory are chosen once and handed on through the environment, which
 * the workers inherit.
 */
function freePort(): string {
  return execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString()
}

process.env.E2E_WEB_PORT ||= freePort()
process.env.E2E_SYNC_PORT ||= freePort()
process.env.E2E_DATA_DIR ||= mkdtempSync(path.join(tmpdir(), 'tandem-e2e-'))
process.env.E2E_AUTH_SECRET ||= 'tandem-e2e-secret-do-not-use-in-production'

const webPort = process.env.E2E_WEB_PORT
const syncPort = process.env.E2E_SYNC_PORT
const baseURL = `http://127.0.0.1:${webPort}`

const sharedEnv = {
  DATA_DIR: process.env.E2E_DATA_DIR,
  AUTH_SECRET: process.env.E2E_AUTH_SECRET,
  NEXT_TELEMETRY_DISABLED: '1',
}

// Debian's Chromium when present (STACK.md: never `npx playwright install` here); Playwright's own elsewhere.
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

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Two cores, shared with the two servers: two workers keep both busy without starving them.
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    ...devices['Desktop Chrome'],
    browserName: 'chromium',
    baseURL,
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: [
    {
      command: 'node --import tsx server/main.ts',
      url: `http://127.0.0.1:${syncPort}/healthz`,
      env: { ...sharedEnv, PORT: syncPort, HOST: '127.0.0.1' },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: 'node e2e/support/startWebApp.mjs',
      url: `${baseURL}/signin`,
      env: { ...sharedEnv, WEB_PORT: webPort, SYNC_PORT: syncPort },
      reuseExistingServer: false,
      // Includes a `next build` when the build is missing or stale (about 40 s here).
      timeout: 240_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
})
