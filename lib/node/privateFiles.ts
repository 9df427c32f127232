/**
 * DATA_DIR holds documents, accounts and the signing secret: nobody but the
 * user the processes run as may read it. Modes passed to mkdir/open are
 * filtered through the umask (and only apply to files created now), so each
 * is also set with chmod, whatever the umask and whoever created the file.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/**
 * Creates `dir` (and its parents) if needed and makes it 0700. A directory
 * someone else owns (a mounted volume, say) cannot be changed by us; it is
 * left as it is, and the files in it are still 0600.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  try {
    chmodSync(dir, PRIVATE_DIR_MODE)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error
  }
}

/** Makes `file` 0600, creating it empty if it does not exist. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
  chmodSync(file, PRIVATE_FILE_MODE)
}

/**
 * Prepares an SQLite database file before it is opened: the file itself
 * 0600, and its `-wal` and `-shm` companions too when they are left from an
 * earlier run. SQLite gives the companions it creates the database file's
 * own mode, so new ones are 0600 as well.
 */
export function preparePrivateSqliteFile(file: string): void {
  ensurePrivateFile(file)
  for (const companion of [`${file}-wal`, `${file}-shm`]) {
    if (existsSync(companion)) chmodSync(companion, PRIVATE_FILE_MODE)
  }
}
