/**
 * The project's shared data sets live beside the repository, in ../shared/data
 * (the editing trace is 3.5 MB and licensed separately: see its README there).
 * On a machine that has only the repository, tests that need them are skipped
 * with a loud message; under CI they fail instead, as with the services.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'

const REPO_ROOT = path.resolve(import.meta.dirname, '..')

/** Where the data set `name` is, or null (after a loud warning) when it is absent outside CI. */
export function sharedDataFile(name: string): string | null {
  const file = path.resolve(process.env.TANDEM_SHARED_DATA ?? path.join(REPO_ROOT, '../shared/data'), name)
  if (existsSync(file)) return file
  const why = `${name} is not at ${file} (set TANDEM_SHARED_DATA to the folder that holds it)`
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${why}: CI must run these tests`)
  console.warn(`\n${'!'.repeat(72)}\n!! SKIPPED: tests that need ${name}. ${why}.\n${'!'.repeat(72)}\n`)
  return null
}
