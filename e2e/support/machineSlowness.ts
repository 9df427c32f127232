import { availableParallelism, loadavg } from 'node:os'

/**
 * How much slower than a quiet machine this one runs right now: 1 on a quiet
 * machine, about 5 when both cores are shared with nine other busy processes.
 * The e2e kit scales its waits and the test timeout by it (e2e/fixtures/pace.ts),
 * so a test on a busy CI runner gets the time it needs instead of a fixed
 * budget tuned on a quiet laptop.
 *
 * Two readings, the larger wins:
 * - a fixed CPU workload, timed against what it takes on a quiet core: it sees
 *   this process's share of the CPU now;
 * - the one-minute load average per core: it sees how many processes compete,
 *   including the browsers and servers of the tests themselves.
 *
 * Plain Node, no Playwright: the config, the global setup and the fixtures use it.
 */

/** A test's budget on a quiet machine (e2e/fixtures/pace.ts scales it; so does playwright.config.ts). */
export const QUIET_TEST_TIMEOUT_MS = 60_000
/** An assertion's default budget on a quiet machine. */
export const QUIET_EXPECT_TIMEOUT_MS = 10_000

/** Iterations of {@link cpuWorkload}: about 16 ms on one quiet core of the 2-core AMD EPYC the suite was tuned on. */
const PROBE_ITERATIONS = 10_000_000
/** {@link cpuWorkload} on that quiet core (the fastest of 80 runs), in milliseconds. */
const QUIET_PROBE_MS = 16
/** Never scale beyond this: a machine ten times slower than that needs a human, not longer waits. */
export const MAX_SLOWNESS = 10

/** A fixed amount of integer work the JIT cannot skip (xorshift, summed). */
function cpuWorkload(iterations: number): number {
  let x = 0x9e3779b9 | 0
  let sum = 0
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    sum = (sum + x) | 0
  }
  return sum
}

/** The median time of `runs` workloads, in ms (a warm-up run first, so the JIT has compiled it). */
export function timeCpuProbe(runs = 3): number {
  cpuWorkload(100_000)
  const times: number[] = []
  let sink = 0
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    sink ^= cpuWorkload(PROBE_ITERATIONS)
    times.push(performance.now() - start)
  }
  if (sink === 0.5) console.log(sink) // never true: keeps the result alive
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

export interface SlownessReading {
  /** The factor the kit uses, in [1, MAX_SLOWNESS]. */
  slowness: number
  /** The CPU probe's time against a quiet core. */
  cpuRatio: number
  /** One-minute load average per core. */
  loadPerCore: number
}

/** Measures the machine now (about 50 ms on a quiet machine). */
export function measureSlowness(runs = 3): SlownessReading {
  const cpuRatio = timeCpuProbe(runs) / QUIET_PROBE_MS
  const loadPerCore = loadavg()[0] / availableParallelism()
  const slowness = Math.min(MAX_SLOWNESS, Math.max(1, cpuRatio, loadPerCore))
  return { slowness: Math.round(slowness * 100) / 100, cpuRatio: Math.round(cpuRatio * 100) / 100, loadPerCore: Math.round(loadPerCore * 100) / 100 }
}

/**
 * `E2E_SLOWNESS` when set (a number ≥ 1: forces a factor, e.g. on a machine
 * whose load average misleads), otherwise a fresh measurement.
 */
export function slownessFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.E2E_SLOWNESS)
  if (env.E2E_SLOWNESS && Number.isFinite(forced) && forced >= 1) return Math.min(MAX_SLOWNESS, forced)
  return measureSlowness().slowness
}
