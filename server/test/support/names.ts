/** Names that never collide between tests, runs or parallel workers. */
import { randomBytes } from 'node:crypto'
import { expect } from 'vitest'

let docCounter = 0

/** A docId unique to this test run and test, so rooms never collide. */
export function docId(label = 'doc'): string {
  const testName = expect.getState().currentTestName ?? 'anon'
  const slug = testName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(-40)
  const id = `${slug}_${label}_${process.pid}_${++docCounter}_${randomBytes(3).toString('hex')}`
  return id.replace(/[^A-Za-z0-9_-]/g, '-').slice(-128)
}
