/**
 * Which Tandem server code was measured: the git trees of server/ and lib/
 * at HEAD, plus a hash of any uncommitted change there. Taken at the start
 * and the end of a run, because the tree is shared and server/ may change
 * while a run goes (commits elsewhere in the repository do not count).
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
  const trees = `server/ ${git('rev-parse --short HEAD:server')}, lib/ ${git('rev-parse --short HEAD:lib')}`
  const diff = git('diff HEAD -- server lib')
  const untracked = git('ls-files --others --exclude-standard -- server lib')
  const dirty = diff !== '' || untracked !== ''
  const hash = dirty ? createHash('sha256').update(diff).update(untracked).digest('hex').slice(0, 8) : ''
  // `key` identifies the code; `label` also says which commit it was read at.
  const key = dirty ? `${trees} + uncommitted ${hash}` : trees
  return { commit, key, label: `${key} (trees at commit ${commit})` }
}
