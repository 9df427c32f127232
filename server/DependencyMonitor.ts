/**
 * Watches what the server depends on (the document store, the Redis relay):
 * pings each every few seconds, records round-trip time and errors in the
 * metrics, and answers /healthz with the failing dependency named.
 */
import type { Counter, Histogram } from 'prom-client'

export interface Dependency {
  name: 'database' | 'redis'
  ping(): Promise<void>
}

export type HealthReport = { ok: true } | { ok: false; failing: Dependency['name']; reason: string }

const PING_TIMEOUT_MS = 2_000

export class DependencyMonitor {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly dependencies: Dependency[],
    private readonly metrics: { latency: Histogram<'dependency'>; errors: Counter<'dependency'> },
  ) {
    // Show a zero for each dependency from the start, so dashboards and alerts have a series to watch.
    for (const { name } of dependencies) metrics.errors.inc({ dependency: name }, 0)
  }

  /** Pings every dependency now; the first failure is reported. */
  async check(): Promise<HealthReport> {
    const results = await Promise.all(this.dependencies.map((dependency) => this.ping(dependency)))
    return results.find((result) => !result.ok) ?? { ok: true }
  }

  /** Counts an error seen elsewhere (a failed write, a Redis error event). */
  recordError(name: Dependency['name']): void {
    this.metrics.errors.inc({ dependency: name })
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.check(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private async ping(dependency: Dependency): Promise<HealthReport> {
    const started = performance.now()
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        dependency.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS)
        }),
      ])
      this.metrics.latency.observe({ dependency: dependency.name }, (performance.now() - started) / 1000)
      return { ok: true }
    } catch (error) {
      this.recordError(dependency.name)
      return { ok: false, failing: dependency.name, reason: (error as Error).message }
    } finally {
      clearTimeout(timer)
    }
  }
}
