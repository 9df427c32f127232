// Run by `npm run test:e2e` before Playwright: makes sure a Chromium is there.
// playwright.config.ts uses /usr/bin/chromium when present (Debian's); otherwise
// Playwright's own build, which this installs on first use, so a newcomer's
// `npm test` needs no extra command. Never run where /usr/bin/chromium exists
// (Playwright cannot download its own browser on machines without internet access).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chromium } from '@playwright/test'

const SYSTEM_CHROMIUM = '/usr/bin/chromium'

if (!existsSync(SYSTEM_CHROMIUM) && !existsSync(chromium.executablePath())) {
  console.log(`[e2e] no ${SYSTEM_CHROMIUM} and no Playwright Chromium yet: installing Playwright's Chromium (once)…`)
  const result = spawnSync('npx', ['playwright', 'install', 'chromium'], { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error('[e2e] could not install Chromium; on Debian/Ubuntu, `apt-get install chromium` works too')
    process.exit(result.status ?? 1)
  }
}
