/**
 * The embedded store: one SQLite file in DATA_DIR, in WAL mode.
 *
 * better-sqlite3 is synchronous, so every call here blocks the event loop for
 * the length of one transaction. That is why the server never writes per
 * message: PersistQueue hands us a whole batch (group commit) every few tens of
 * milliseconds. `synchronous = NORMAL` in WAL mode keeps every committed
 * transaction across a process crash (`kill -9`); only an OS crash or power loss
 * can take the last commits back, which the operator can trade with
 * SQLITE_SYNCHRONOUS=FULL.
 */
import Database from 'better-sqlite3'
import path from 'node:path'
import { ensurePrivateDir, preparePrivateSqliteFile } from '../../lib/node/privateFiles'
import type { AccessChange, AppendEntry, DocumentPolicy, DocumentStore, FoldedSnapshot, StoredDocument } from './DocumentStore'
import { decodeAuthors, encodeAuthors, planSegmentMerges, unionAuthors } from './history'
import type { NewVersion, VersionKind, VersionPage, VersionRecord } from './history'
import { pendingMigrations, type Migration, type MigrationReport } from './migrations'

export const SQLITE_FILE = 'tandem.db'

export type SqliteMigration = Migration<(db: Database.Database) => void>

/**
 * The numbered schema (migrations.ts). Each is written to be safe on a
 * database that already has part of it: version 1 is the schema from before
 * versions were recorded, so opening such a file adopts it as it is.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'documents: update log, snapshots, deletions, access changes',
    apply: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS doc_snapshots (
          doc_id TEXT PRIMARY KEY,
          snapshot BLOB NOT NULL,
          state_vector BLOB
        );
        CREATE TABLE IF NOT EXISTS doc_updates (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          doc_id TEXT NOT NULL,
          update_data BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON doc_updates (doc_id, seq);
        CREATE TABLE IF NOT EXISTS doc_deletions (
          doc_id TEXT PRIMARY KEY,
          deleted_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS doc_access_changes (
          doc_id TEXT NOT NULL,
          sub TEXT NOT NULL,
          access TEXT NOT NULL,
          changed_at INTEGER NOT NULL,
          PRIMARY KEY (doc_id, sub)
        );
      `)
      // Files written before snapshots carried their state vector get the column (null until the next compaction).
      if (!hasColumn(db, 'doc_snapshots', 'state_vector')) db.exec('ALTER TABLE doc_snapshots ADD COLUMN state_vector BLOB')
    },
  },
  {
    version: 2,
    description: 'history: who wrote each update, and versions',
    apply: (db) => {
      if (!hasColumn(db, 'doc_updates', 'authors')) db.exec("ALTER TABLE doc_updates ADD COLUMN authors TEXT NOT NULL DEFAULT '[]'")
      if (!hasColumn(db, 'doc_updates', 'created_at')) db.exec('ALTER TABLE doc_updates ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0')
      db.exec(`
        CREATE TABLE IF NOT EXISTS doc_versions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          doc_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          label TEXT,
          kind TEXT NOT NULL,
          authors TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS doc_versions_by_doc ON doc_versions (doc_id, id);
      `)
    },
  },
]

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(table).some((row) => row.name === column)
}

/**
 * Applies what is missing of `migrations`, one transaction each, recording
 * each in schema_migrations. Exported for upgrade tests, which make a file
 * with an older set.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly SqliteMigration[]): MigrationReport {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)')
  const current = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations').get()?.version ?? 0
  const applied: MigrationReport['applied'] = []
  for (const migration of pendingMigrations(migrations, current)) {
    db.transaction(() => {
      migration.apply(db)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now())
    }).immediate()
    applied.push({ version: migration.version, description: migration.description })
  }
  return { from: current, to: applied.at(-1)?.version ?? current, applied }
}

export interface SqliteStoreOptions {
  /** `NORMAL` (default) survives process crashes; `FULL` also survives power loss, slower. */
  synchronous?: 'NORMAL' | 'FULL'
}

/**
 * Opens (creating if needed) DATA_DIR/tandem.db. DATA_DIR is made 0700, the
 * database and its WAL and shared-memory files 0600: documents are nobody
 * else's to read on the machine.
 * @example
 * const store = openSqliteStore('./data')
 */
export function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): DocumentStore {
  ensurePrivateDir(dataDir)
  const file = path.join(dataDir, SQLITE_FILE)
  preparePrivateSqliteFile(file)
  return new SqliteStore(file, options)
}

export class SqliteStore implements DocumentStore {
  private readonly db: Database.Database
  private readonly statements
  readonly migrations: MigrationReport

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`)
    // Another process (or a second instance in tests) may hold the write lock briefly.
    this.db.pragma('busy_timeout = 5000')
    try {
      this.migrations = migrateSqlite(this.db, SQLITE_MIGRATIONS)
    } catch (error) {
      this.db.close()
      throw error
    }
    this.statements = {
      snapshot: this.db.prepare<[string], { snapshot: Buffer; state_vector: Buffer | null }>(
        'SELECT snapshot, state_vector FROM doc_snapshots WHERE doc_id = ?',
      ),
      log: this.db.prepare<[string], { seq: number; update_data: Buffer }>(
        'SELECT seq, update_data FROM doc_updates WHERE doc_id = ? ORDER BY seq',
      ),
      logThrough: this.db.prepare<[string, number], { update_data: Buffer }>(
        'SELECT update_data FROM doc_updates WHERE doc_id = ? AND seq <= ? ORDER BY seq',
      ),
      append: this.db.prepare<[string, Uint8Array, string, number]>(
        'INSERT INTO doc_updates (doc_id, update_data, authors, created_at) VALUES (?, ?, ?, ?)',
      ),
      rowsThrough: this.db.prepare<[string, number], { seq: number; update_data: Buffer; authors: string }>(
        'SELECT seq, update_data, authors FROM doc_updates WHERE doc_id = ? AND seq <= ? ORDER BY seq',
      ),
      authorsAfter: this.db.prepare<[string, number, number], { authors: string }>(
        'SELECT authors FROM doc_updates WHERE doc_id = ? AND seq > ? AND seq <= ? ORDER BY seq',
      ),
      lastSeq: this.db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM doc_updates WHERE doc_id = ?'),
      putMergedRow: this.db.prepare<[Uint8Array, string, number]>('UPDATE doc_updates SET update_data = ?, authors = ? WHERE seq = ?'),
      dropRow: this.db.prepare<[number]>('DELETE FROM doc_updates WHERE seq = ?'),
      versionSeqs: this.db.prepare<[string], { seq: number }>('SELECT seq FROM doc_versions WHERE doc_id = ? ORDER BY seq'),
      latestVersion: this.db.prepare<[string], { seq: number }>('SELECT seq FROM doc_versions WHERE doc_id = ? ORDER BY id DESC LIMIT 1'),
      putVersion: this.db.prepare<[string, number, number, string | null, string, string]>(
        'INSERT INTO doc_versions (doc_id, seq, created_at, label, kind, authors) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      version: this.db.prepare<[string, number], VersionRow>('SELECT * FROM doc_versions WHERE doc_id = ? AND id = ?'),
      versionsBefore: this.db.prepare<[string, number, number], VersionRow>(
        'SELECT * FROM doc_versions WHERE doc_id = ? AND id < ? ORDER BY id DESC LIMIT ?',
      ),
      deleteVersions: this.db.prepare<[string]>('DELETE FROM doc_versions WHERE doc_id = ?'),
      putSnapshot: this.db.prepare<[string, Uint8Array, Uint8Array]>(
        `INSERT INTO doc_snapshots (doc_id, snapshot, state_vector) VALUES (?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector`,
      ),
      trimLog: this.db.prepare<[string, number]>('DELETE FROM doc_updates WHERE doc_id = ? AND seq <= ?'),
      deleteLog: this.db.prepare<[string]>('DELETE FROM doc_updates WHERE doc_id = ?'),
      deleteSnapshot: this.db.prepare<[string]>('DELETE FROM doc_snapshots WHERE doc_id = ?'),
      putDeletion: this.db.prepare<[string, number]>(
        'INSERT INTO doc_deletions (doc_id, deleted_at) VALUES (?, ?) ON CONFLICT (doc_id) DO UPDATE SET deleted_at = excluded.deleted_at',
      ),
      deletion: this.db.prepare<[string], { deleted_at: number }>('SELECT deleted_at FROM doc_deletions WHERE doc_id = ?'),
      putAccess: this.db.prepare<[string, string, string, number]>(
        `INSERT INTO doc_access_changes (doc_id, sub, access, changed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (doc_id, sub) DO UPDATE SET access = excluded.access, changed_at = excluded.changed_at`,
      ),
      access: this.db.prepare<[string, string], { access: AccessChange['access']; changed_at: number }>(
        'SELECT access, changed_at FROM doc_access_changes WHERE doc_id = ? AND sub = ?',
      ),
      deleteAccess: this.db.prepare<[string]>('DELETE FROM doc_access_changes WHERE doc_id = ?'),
    }
  }

  async load(docId: string): Promise<StoredDocument> {
    return this.db.transaction(() => {
      const updates: Uint8Array[] = []
      const snapshot = this.statements.snapshot.get(docId)
      if (snapshot) updates.push(snapshot.snapshot)
      let lastSeq = 0
      const log = this.statements.log.all(docId)
      for (const row of log) {
        updates.push(row.update_data)
        lastSeq = row.seq
      }
      return { updates, snapshotStateVector: snapshot?.state_vector ?? null, lastSeq, logLength: log.length }
    })()
  }

  async appendBatch(entries: readonly AppendEntry[]): Promise<Map<string, number>> {
    return this.db.transaction(() => {
      const lastSeqByDoc = new Map<string, number>()
      const now = Date.now()
      for (const { docId, update, author } of entries) {
        const { lastInsertRowid } = this.statements.append.run(docId, update, encodeAuthors(author ? [author] : []), now)
        lastSeqByDoc.set(docId, Number(lastInsertRowid))
      }
      return lastSeqByDoc
    })()
  }

  async compact(docId: string, throughSeq: number, fold: (updates: Uint8Array[]) => FoldedSnapshot | null): Promise<void> {
    // better-sqlite3 transactions are synchronous and SQLite has one writer at a time: this is the lock.
    this.db
      .transaction(() => {
        const versionSeqs = this.statements.versionSeqs.all(docId).map((row) => row.seq)
        if (versionSeqs.length > 0) {
          // A document with history: merge between versions, never across one (history.ts).
          const rows = this.statements.rowsThrough
            .all(docId, throughSeq)
            .map((row) => ({ seq: row.seq, update: row.update_data, authors: decodeAuthors(row.authors) }))
          for (const merge of planSegmentMerges(rows, versionSeqs)) {
            this.statements.putMergedRow.run(merge.update, encodeAuthors(merge.authors), merge.keepSeq)
            for (const seq of merge.dropSeqs) this.statements.dropRow.run(seq)
          }
          return
        }
        const updates: Uint8Array[] = []
        const snapshot = this.statements.snapshot.get(docId)
        if (snapshot) updates.push(snapshot.snapshot)
        for (const row of this.statements.logThrough.all(docId, throughSeq)) updates.push(row.update_data)
        if (updates.length === 0) return
        const folded = fold(updates)
        if (!folded) return
        this.statements.putSnapshot.run(docId, folded.update, folded.stateVector)
        this.statements.trimLog.run(docId, throughSeq)
      })
      .immediate()
  }

  async createVersion(docId: string, version: NewVersion): Promise<VersionRecord | null> {
    return this.db
      .transaction(() => {
        const seq = this.statements.lastSeq.get(docId)?.seq ?? 0
        const previousSeq = this.statements.latestVersion.get(docId)?.seq ?? 0
        const logged = this.statements.authorsAfter.all(docId, previousSeq, seq).map((row) => decodeAuthors(row.authors))
        if (version.onlyIfChanged && (seq <= previousSeq || logged.length === 0)) return null
        const authors = unionAuthors([...logged, version.author ? [version.author] : []])
        const { lastInsertRowid } = this.statements.putVersion.run(docId, seq, version.createdAt, version.label, version.kind, encodeAuthors(authors))
        return { id: Number(lastInsertRowid), docId, seq, createdAt: version.createdAt, label: version.label, kind: version.kind, authors }
      })
      .immediate()
  }

  async listVersions(docId: string, page: VersionPage): Promise<VersionRecord[]> {
    return this.statements.versionsBefore.all(docId, page.before ?? Number.MAX_SAFE_INTEGER, page.limit).map(toVersionRecord)
  }

  async getVersion(docId: string, id: number): Promise<VersionRecord | null> {
    const row = this.statements.version.get(docId, id)
    return row ? toVersionRecord(row) : null
  }

  async loadThrough(docId: string, seq: number): Promise<Uint8Array[]> {
    return this.db.transaction(() => {
      const updates: Uint8Array[] = []
      const snapshot = this.statements.snapshot.get(docId)
      if (snapshot) updates.push(snapshot.snapshot)
      for (const row of this.statements.logThrough.all(docId, seq)) updates.push(row.update_data)
      return updates
    })()
  }

  async deleteDocument(docId: string, deletedAt: number): Promise<void> {
    this.db.transaction(() => {
      this.statements.deleteLog.run(docId)
      this.statements.deleteSnapshot.run(docId)
      // Access changes belonged to the old document; a new one with this id starts clean.
      this.statements.deleteAccess.run(docId)
      this.statements.deleteVersions.run(docId)
      this.statements.putDeletion.run(docId, deletedAt)
    })()
  }

  async recordAccessChange(docId: string, sub: string, change: AccessChange): Promise<void> {
    this.statements.putAccess.run(docId, sub, change.access, change.changedAt)
  }

  async getPolicy(docId: string, sub: string): Promise<DocumentPolicy> {
    const deletion = this.statements.deletion.get(docId)
    const access = this.statements.access.get(docId, sub)
    return {
      deletedAt: deletion?.deleted_at ?? null,
      accessChange: access ? { access: access.access, changedAt: access.changed_at } : null,
    }
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get()
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}

interface VersionRow {
  id: number
  doc_id: string
  seq: number
  created_at: number
  label: string | null
  kind: string
  authors: string
}

function toVersionRecord(row: VersionRow): VersionRecord {
  return {
    id: row.id,
    docId: row.doc_id,
    seq: row.seq,
    createdAt: row.created_at,
    label: row.label,
    kind: row.kind as VersionKind,
    authors: decodeAuthors(row.authors),
  }
}
