/**
 * `npm run test:e2e:loaded`: the e2e suite on a busy machine, as a user's CI
 * runner is when other jobs share it. Every core runs a CPU hog for the whole
 * run (`stress-ng --cpu <cores>` when installed, Debian's `stress-ng` package;
 * otherwise one busy-looping Node child per core), then `playwright test` runs
 * with the arguments given (`npm run test:e2e:loaded -- e2e/resilience.spec.ts`).
 * The hogs are stopped by pid when the tests end, however they end.
 *
 * The suite must pass this way: its waits scale with the machine and follow
 * progress (README, "On a busy machine").
 */
import { spawn, spawnSync } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../testkit/paths'
import { spawnGroup, type GroupChild } from '../testkit/processGroup'

/** Long enough for any run; a safety net only, since the hogs are stopped by pid at the end. */
const HOG_LIMIT_S = 3600

function hasStressNg(): boolean {
  return spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status === 0
}

function startHogs(cores: number): GroupChild[] {
  const options = { cwd: REPO_ROOT, env: process.env }
  if (hasStressNg()) {
    console.log(`[load] stress-ng --cpu ${cores} on ${cores} cores`)
    return [spawnGroup('stress-ng', ['--cpu', String(cores), '--timeout', `${HOG_LIMIT_S}s`, '--quiet'], options)]
  }
  console.log(`[load] stress-ng not installed: ${cores} busy-looping node processes on ${cores} cores`)
  const busyLoop = `const end = Date.now() + ${HOG_LIMIT_S * 1000}; while (Date.now() < end) {}`
  return Array.from({ length: cores }, () => spawnGroup(process.execPath, ['-e', busyLoop], options))
}

async function main(): Promise<number> {
  const cores = availableParallelism()
  const hogs = startHogs(cores)
  const stopHogs = () => Promise.all(hogs.map((hog) => hog.stop(2_000)))
  const startedAt = Date.now()
  const cli = path.join(REPO_ROOT, 'node_modules/@playwright/test/cli.js')
  const run = spawn(process.execPath, [cli, 'test', '--output=test-results/under-load', ...process.argv.slice(2)], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    // Its own HTML report, so the quiet run's report survives.
    env: { ...process.env, PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(REPO_ROOT, 'playwright-report/under-load') },
  })
  // Stopped from outside (Ctrl+C, a CI timeout): pass it on to the tests, and still stop the hogs once they end.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => run.kill(signal))
  try {
    const code = await new Promise<number>((resolve) => run.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))))
    console.log(`[load] playwright exited ${code} after ${Math.round((Date.now() - startedAt) / 1000)} s under load (load average at the end: ${loadavg()[0].toFixed(1)})`)
    return code
  } finally {
    await stopHogs()
  }
}

process.exitCode = await main()
