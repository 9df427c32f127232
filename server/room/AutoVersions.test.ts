import pino from 'pino'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { AutoVersions } from './AutoVersions'

const silent = pino({ level: 'silent' })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

function versionsWith(idleMs: number, maxMs: number) {
  const recorded: number[] = []
  const versions = new AutoVersions('doc', { idleMs, maxMs, record: async () => void recorded.push(Date.now()) }, silent)
  return { versions, recorded }
}

/** `changed` every `everyMs`, `times` times, as typing does. */
async function changeEvery(versions: AutoVersions, everyMs: number, times: number) {
  for (let i = 0; i < times; i++) {
    versions.changed()
    await vi.advanceTimersByTimeAsync(everyMs)
  }
}

// proves: HISTORY-3
it('records a version idleMs after the last change, however many changes came before it', async () => {
  const { versions, recorded } = versionsWith(300, 60_000)
  const start = Date.now()
  // Typing every 100 ms for a second: never quiet for 300 ms.
  await changeEvery(versions, 100, 10)
  expect(recorded).toEqual([])
  // The last change was at +900 ms: the version comes at +1,200 ms, not before.
  await vi.advanceTimersByTimeAsync(150)
  expect(recorded).toEqual([])
  await vi.advanceTimersByTimeAsync(100)
  expect(recorded.map((at) => at - start)).toEqual([1200])
  // No change since: no timer left, no further version.
  expect(vi.getTimerCount()).toBe(0)
  await vi.advanceTimersByTimeAsync(5_000)
  expect(recorded).toHaveLength(1)
})

// proves: HISTORY-4
it('records one at least every maxMs while changes go on, and nothing once cancelled', async () => {
  const { versions, recorded } = versionsWith(300, 1_000)
  const start = Date.now()
  await changeEvery(versions, 100, 25)
  expect(recorded.map((at) => at - start)).toEqual([1000, 2000])
  versions.cancel()
  await vi.advanceTimersByTimeAsync(5_000)
  expect(recorded).toHaveLength(2)
})
