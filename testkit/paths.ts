/** Where things are, for test code that starts processes or reads files of the repository. */
import path from 'node:path'

/** The repository root (the directory of package.json). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..')
