/**
 * Schema versions of the sync server's stores. Each store keeps its own
 * numbered migrations and records each one applied in `schema_migrations`
 * (version, applied_at). Opening a store applies the missing ones in order,
 * one transaction each; a database whose highest recorded version is newer
 * than this server knows was written by a newer release, and opening it is
 * refused rather than risk writing rows that release cannot read
 * (docs/sync-protocol.md, "Upgrades").
 */

export interface Migration<Apply> {
  version: number
  /** One line for `npm run migrate`'s output. */
  description: string
  apply: Apply
}

/** The database belongs to a newer server: `main.ts` exits with status 3 and this message. */
export class FutureSchemaError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the database is at schema version ${found}, newer than this server knows (${known}): ` +
        'it was upgraded by a newer Tandem; run that release (or restore a backup made before the upgrade)',
    )
    this.name = 'FutureSchemaError'
  }
}

/** What opening a store did, for `npm run migrate`. */
export interface MigrationReport {
  /** The version before opening (0: a database without `schema_migrations`). */
  from: number
  to: number
  applied: { version: number; description: string }[]
}

/** The migrations after `current`, in order; throws FutureSchemaError when `current` is past the last. */
export function pendingMigrations<Apply>(migrations: readonly Migration<Apply>[], current: number): Migration<Apply>[] {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0)
  if (current > latest) throw new FutureSchemaError(current, latest)
  return migrations.filter((migration) => migration.version > current).sort((a, b) => a.version - b.version)
}
