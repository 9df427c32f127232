/**
 * Which Tandem server code was measured: the commit, and a hash of any
 * uncommitted change under server/ and lib/. Taken at the start and the end of
 * a run, because the tree is shared and server/ may change while a run goes.
 */
import { execSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { REPO_ROOT } from './servers.mjs'

const git = (args) => {
  try {
    return execSync(`git ${args}`, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 10_000, maxBuffer: 64 << 20 }).trim()
  } catch {
    return ''
  }
}

export function serverVersion() {
  const commit = git('rev-parse --short HEAD') || 'unknown'
  const diff = git('diff HEAD -- server lib')
  const untracked = git('ls-files --others --exclude-standard -- server lib')
  const dirty = diff !== '' || untracked !== ''
  const hash = dirty ? createHash('sha256').update(diff).update(untracked).digest('hex').slice(0, 8) : ''
  return { commit, dirty, label: dirty ? `${commit} + uncommitted changes in server/ or lib/ (${hash})` : commit }
}
