/**
 * Everything a test starts is stopped after it: helpers register their own
 * clean-up with `defer`, and this afterEach runs it, last registered first.
 */
import { afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

type Cleanup = () => unknown | Promise<unknown>
const cleanups: Cleanup[] = []

/** Registers `fn` to run after the current test, last registered first. */
export function defer(fn: Cleanup): void {
  cleanups.push(fn)
}

afterEach(async () => {
  const errors: unknown[] = []
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!
    try {
      await fn()
    } catch (error) {
      errors.push(error)
    }
  }
  if (errors.length > 0) console.warn('teardown errors:', errors)
})

/** A fresh temporary directory, removed after the test. */
export function tempDir(prefix = 'tandem-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  defer(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}
