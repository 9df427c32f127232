import { Counter, Histogram, Registry } from 'prom-client'
import { afterEach, expect, it, vi } from 'vitest'
import { DependencyMonitor } from './DependencyMonitor'

function metrics() {
  const registers = [new Registry()]
  return {
    latency: new Histogram({ name: 'latency', help: 'h', labelNames: ['dependency'] as const, registers }),
    errors: new Counter({ name: 'errors', help: 'h', labelNames: ['dependency'] as const, registers }),
  }
}

afterEach(() => {
  vi.useRealTimers()
})

it('names the first failing dependency, and counts its error', async () => {
  const m = metrics()
  const monitor = new DependencyMonitor(
    [
      { name: 'database', ping: async () => {} },
      { name: 'redis', ping: async () => Promise.reject(new Error('connection refused')) },
    ],
    m,
  )
  expect(await monitor.check()).toEqual({ ok: false, failing: 'redis', reason: 'connection refused' })
  expect((await m.errors.get()).values).toContainEqual(expect.objectContaining({ labels: { dependency: 'redis' }, value: 1 }))
})

it('a dependency that never answers fails after the ping timeout', async () => {
  vi.useFakeTimers()
  const monitor = new DependencyMonitor([{ name: 'database', ping: () => new Promise(() => {}) }], metrics())
  const report = monitor.check()
  await vi.advanceTimersByTimeAsync(2_000)
  expect(await report).toEqual({ ok: false, failing: 'database', reason: 'no answer within 2000 ms' })
  expect(vi.getTimerCount()).toBe(0)
})

it('pings on its interval until stopped, and leaves no timer behind', async () => {
  vi.useFakeTimers()
  let pings = 0
  const monitor = new DependencyMonitor([{ name: 'database', ping: async () => void pings++ }], metrics())
  monitor.start(5_000)
  await vi.advanceTimersByTimeAsync(10_000)
  expect(pings).toBe(2)
  monitor.stop()
  expect(vi.getTimerCount()).toBe(0)
})
