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

export const SQLITE_FILE = 'tandem.db'

const SCHEMA = `
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
`

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

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`)
    // Another process (or a second instance in tests) may hold the write lock briefly.
    this.db.pragma('busy_timeout = 5000')
    this.db.exec(SCHEMA)
    migrateSnapshotStateVectors(this.db)
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
      append: this.db.prepare<[string, Uint8Array]>('INSERT INTO doc_updates (doc_id, update_data) VALUES (?, ?)'),
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
      for (const { docId, update } of entries) {
        const { lastInsertRowid } = this.statements.append.run(docId, update)
        lastSeqByDoc.set(docId, Number(lastInsertRowid))
      }
      return lastSeqByDoc
    })()
  }

  async compact(docId: string, throughSeq: number, fold: (updates: Uint8Array[]) => FoldedSnapshot | null): Promise<void> {
    // better-sqlite3 transactions are synchronous and SQLite has one writer at a time: this is the lock.
    this.db
      .transaction(() => {
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

  async deleteDocument(docId: string, deletedAt: number): Promise<void> {
    this.db.transaction(() => {
      this.statements.deleteLog.run(docId)
      this.statements.deleteSnapshot.run(docId)
      // Access changes belonged to the old document; a new one with this id starts clean.
      this.statements.deleteAccess.run(docId)
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

/** Files written before snapshots carried their state vector get the column (null until the next compaction). */
function migrateSnapshotStateVectors(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('doc_snapshots')").all()
  if (!columns.some((column) => column.name === 'state_vector')) db.exec('ALTER TABLE doc_snapshots ADD COLUMN state_vector BLOB')
}
