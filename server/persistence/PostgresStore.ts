/**
 * Documents in PostgreSQL (`DATABASE_URL=postgres://…`), for several sync
 * server instances sharing one database. Same layout as the SQLite store:
 * an append-only log with a growing sequence number, plus one snapshot per
 * document. Tables are created on open (idempotent migrations).
 */
import pg from 'pg'
import type { AccessChange, AppendEntry, DocumentPolicy, DocumentStore, FoldedSnapshot, StoredDocument } from './DocumentStore'
import { decodeAuthors, encodeAuthors, planSegmentMerges, unionAuthors } from './history'
import type { NewVersion, VersionKind, VersionPage, VersionRecord } from './history'
import { pendingMigrations, type Migration, type MigrationReport } from './migrations'

/** A migration's SQL, given a function that names a table in the store's schema. */
export type PostgresMigration = Migration<(table: (name: string) => string) => string>

/** The numbered schema (migrations.ts); version 1 is the schema from before versions were recorded, written to adopt it. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'documents: update log, snapshots, deletions, access changes',
    apply: (t) => `
      CREATE TABLE IF NOT EXISTS ${t('doc_snapshots')} (doc_id TEXT PRIMARY KEY, snapshot BYTEA NOT NULL);
      ALTER TABLE ${t('doc_snapshots')} ADD COLUMN IF NOT EXISTS state_vector BYTEA;
      CREATE TABLE IF NOT EXISTS ${t('doc_updates')} (
        seq BIGSERIAL PRIMARY KEY, doc_id TEXT NOT NULL, update_data BYTEA NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON ${t('doc_updates')} (doc_id, seq);
      CREATE TABLE IF NOT EXISTS ${t('doc_deletions')} (doc_id TEXT PRIMARY KEY, deleted_at BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${t('doc_access_changes')} (
        doc_id TEXT NOT NULL, sub TEXT NOT NULL, access TEXT NOT NULL, changed_at BIGINT NOT NULL,
        PRIMARY KEY (doc_id, sub));`,
  },
  {
    version: 2,
    description: 'history: who wrote each update, and versions',
    apply: (t) => `
      ALTER TABLE ${t('doc_updates')} ADD COLUMN IF NOT EXISTS authors TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE ${t('doc_updates')} ADD COLUMN IF NOT EXISTS created_at BIGINT NOT NULL DEFAULT 0;
      CREATE TABLE IF NOT EXISTS ${t('doc_versions')} (
        id BIGSERIAL PRIMARY KEY, doc_id TEXT NOT NULL, seq BIGINT NOT NULL, created_at BIGINT NOT NULL,
        label TEXT, kind TEXT NOT NULL, authors TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS doc_versions_by_doc ON ${t('doc_versions')} (doc_id, id);`,
  },
]

export interface PostgresStoreOptions {
  connectionString: string
  /** Schema for the tables (created if missing); tests use one per test. */
  schema?: string
  poolSize?: number
  /** The schema to bring the database to (upgrade tests make one with an older set). */
  migrations?: readonly PostgresMigration[]
  /** Told about errors of idle pooled connections (which would otherwise crash the process). */
  onError?: (error: Error) => void
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Connects, creates the schema and tables if needed, and returns the store.
 * @example
 * const store = await openPostgresStore({ connectionString: process.env.DATABASE_URL! })
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(options)
  try {
    await store.migrate()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

export class PostgresStore implements DocumentStore {
  private readonly pool: pg.Pool
  private readonly schema: string
  private closed = false
  private readonly migrationSet: readonly PostgresMigration[]
  migrations: MigrationReport = { from: 0, to: 0, applied: [] }

  constructor(options: PostgresStoreOptions) {
    this.migrationSet = options.migrations ?? POSTGRES_MIGRATIONS
    this.schema = options.schema ?? 'tandem'
    if (!IDENTIFIER.test(this.schema)) throw new Error(`invalid schema name: ${this.schema}`)
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 })
    this.pool.on('error', (error) => options.onError?.(error))
  }

  private table(name: string): string {
    return `"${this.schema}"."${name}"`
  }

  async migrate(): Promise<void> {
    const t = (name: string) => this.table(name)
    const client = await this.pool.connect()
    try {
      // Several instances may start at once: serialise their migrations.
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tandem-migrate:${this.schema}`])
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`)
      await client.query(`CREATE TABLE IF NOT EXISTS ${t('schema_migrations')} (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`)
      const found = await client.query<{ version: number | null }>(`SELECT MAX(version) AS version FROM ${t('schema_migrations')}`)
      const from = found.rows[0]?.version ?? 0
      const applied: MigrationReport['applied'] = []
      // All in this one transaction: several instances starting at once wait on the lock, then see them done.
      for (const migration of pendingMigrations(this.migrationSet, from)) {
        await client.query(migration.apply(t))
        await client.query(`INSERT INTO ${t('schema_migrations')} (version, applied_at) VALUES ($1, $2)`, [migration.version, Date.now()])
        applied.push({ version: migration.version, description: migration.description })
      }
      this.migrations = { from, to: applied.at(-1)?.version ?? from, applied }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  async load(docId: string): Promise<StoredDocument> {
    // One snapshot-consistent read of both tables.
    return this.transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      const snapshot = await client.query<{ snapshot: Buffer; state_vector: Buffer | null }>(
        `SELECT snapshot, state_vector FROM ${this.table('doc_snapshots')} WHERE doc_id = $1`,
        [docId],
      )
      const log = await client.query<{ seq: string; update_data: Buffer }>(
        `SELECT seq, update_data FROM ${this.table('doc_updates')} WHERE doc_id = $1 ORDER BY seq`,
        [docId],
      )
      const updates: Uint8Array[] = snapshot.rows.map((row) => row.snapshot)
      for (const row of log.rows) updates.push(row.update_data)
      const lastSeq = log.rows.length > 0 ? Number(log.rows[log.rows.length - 1].seq) : 0
      return { updates, snapshotStateVector: snapshot.rows[0]?.state_vector ?? null, lastSeq, logLength: log.rows.length }
    })
  }

  async appendBatch(entries: readonly AppendEntry[]): Promise<Map<string, number>> {
    const lastSeqByDoc = new Map<string, number>()
    if (entries.length === 0) return lastSeqByDoc
    // One statement, one round trip, one transaction for the whole batch.
    const result = await this.pool.query<{ doc_id: string; seq: string }>(
      `INSERT INTO ${this.table('doc_updates')} (doc_id, update_data, authors, created_at)
       SELECT d, u, a, $4 FROM unnest($1::text[], $2::bytea[], $3::text[]) AS e(d, u, a) RETURNING doc_id, seq`,
      [
        entries.map((entry) => entry.docId),
        entries.map((entry) => Buffer.from(entry.update.buffer, entry.update.byteOffset, entry.update.byteLength)),
        entries.map((entry) => encodeAuthors(entry.author ? [entry.author] : [])),
        Date.now(),
      ],
    )
    for (const row of result.rows) {
      const seq = Number(row.seq)
      if (seq > (lastSeqByDoc.get(row.doc_id) ?? 0)) lastSeqByDoc.set(row.doc_id, seq)
    }
    return lastSeqByDoc
  }

  async compact(docId: string, throughSeq: number, fold: (updates: Uint8Array[]) => FoldedSnapshot | null): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockDocument(client, docId)
      const versions = await client.query<{ seq: string }>(`SELECT seq FROM ${this.table('doc_versions')} WHERE doc_id = $1`, [docId])
      if (versions.rows.length > 0) {
        // A document with history: merge between versions, never across one (history.ts).
        const rows = await client.query<{ seq: string; update_data: Buffer; authors: string }>(
          `SELECT seq, update_data, authors FROM ${this.table('doc_updates')} WHERE doc_id = $1 AND seq <= $2 ORDER BY seq`,
          [docId, throughSeq],
        )
        const merges = planSegmentMerges(
          rows.rows.map((row) => ({ seq: Number(row.seq), update: row.update_data, authors: decodeAuthors(row.authors) })),
          versions.rows.map((row) => Number(row.seq)),
        )
        for (const merge of merges) {
          await client.query(`UPDATE ${this.table('doc_updates')} SET update_data = $1, authors = $2 WHERE seq = $3`, [
            Buffer.from(merge.update),
            encodeAuthors(merge.authors),
            merge.keepSeq,
          ])
          await client.query(`DELETE FROM ${this.table('doc_updates')} WHERE seq = ANY($1::bigint[])`, [merge.dropSeqs])
        }
        return
      }
      const snapshot = await client.query<{ snapshot: Buffer }>(
        `SELECT snapshot FROM ${this.table('doc_snapshots')} WHERE doc_id = $1`,
        [docId],
      )
      const log = await client.query<{ seq: string; update_data: Buffer }>(
        `SELECT seq, update_data FROM ${this.table('doc_updates')} WHERE doc_id = $1 AND seq <= $2 ORDER BY seq`,
        [docId, throughSeq],
      )
      if (log.rows.length === 0) return
      const updates: Uint8Array[] = snapshot.rows.map((row) => row.snapshot)
      for (const row of log.rows) updates.push(row.update_data)
      const folded = fold(updates)
      if (!folded) return
      await client.query(
        `INSERT INTO ${this.table('doc_snapshots')} (doc_id, snapshot, state_vector) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector`,
        [docId, Buffer.from(folded.update), Buffer.from(folded.stateVector)],
      )
      // Exactly the rows folded: a row committed meanwhile with a lower seq stays for the next fold.
      await client.query(`DELETE FROM ${this.table('doc_updates')} WHERE seq = ANY($1::bigint[])`, [
        log.rows.map((row) => row.seq),
      ])
    })
  }

  async createVersion(docId: string, version: NewVersion): Promise<VersionRecord | null> {
    return this.transaction(async (client) => {
      await this.lockDocument(client, docId)
      const last = await client.query<{ seq: string | null }>(`SELECT MAX(seq) AS seq FROM ${this.table('doc_updates')} WHERE doc_id = $1`, [docId])
      const seq = Number(last.rows[0]?.seq ?? 0)
      const previous = await client.query<{ seq: string }>(
        `SELECT seq FROM ${this.table('doc_versions')} WHERE doc_id = $1 ORDER BY id DESC LIMIT 1`,
        [docId],
      )
      const previousSeq = Number(previous.rows[0]?.seq ?? 0)
      const logged = await client.query<{ authors: string }>(
        `SELECT authors FROM ${this.table('doc_updates')} WHERE doc_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq`,
        [docId, previousSeq, seq],
      )
      if (version.onlyIfChanged && (seq <= previousSeq || logged.rows.length === 0)) return null
      const authors = unionAuthors([...logged.rows.map((row) => decodeAuthors(row.authors)), version.author ? [version.author] : []])
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO ${this.table('doc_versions')} (doc_id, seq, created_at, label, kind, authors) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [docId, seq, version.createdAt, version.label, version.kind, encodeAuthors(authors)],
      )
      return { id: Number(inserted.rows[0].id), docId, seq, createdAt: version.createdAt, label: version.label, kind: version.kind, authors }
    })
  }

  async listVersions(docId: string, page: VersionPage): Promise<VersionRecord[]> {
    const result = await this.pool.query<PostgresVersionRow>(
      `SELECT * FROM ${this.table('doc_versions')} WHERE doc_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
      [docId, page.before ?? Number.MAX_SAFE_INTEGER, page.limit],
    )
    return result.rows.map(toVersionRecord)
  }

  async getVersion(docId: string, id: number): Promise<VersionRecord | null> {
    const result = await this.pool.query<PostgresVersionRow>(`SELECT * FROM ${this.table('doc_versions')} WHERE doc_id = $1 AND id = $2`, [docId, id])
    return result.rows[0] ? toVersionRecord(result.rows[0]) : null
  }

  async loadThrough(docId: string, seq: number): Promise<Uint8Array[]> {
    return this.transaction(async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      const snapshot = await client.query<{ snapshot: Buffer }>(`SELECT snapshot FROM ${this.table('doc_snapshots')} WHERE doc_id = $1`, [docId])
      const log = await client.query<{ update_data: Buffer }>(
        `SELECT update_data FROM ${this.table('doc_updates')} WHERE doc_id = $1 AND seq <= $2 ORDER BY seq`,
        [docId, seq],
      )
      return [...snapshot.rows.map((row) => row.snapshot), ...log.rows.map((row) => row.update_data)]
    })
  }

  /** One compaction, version or deletion per document at a time, across every instance. */
  private async lockDocument(client: pg.PoolClient, docId: string): Promise<void> {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tandem-compact:${this.schema}:${docId}`])
  }

  async deleteDocument(docId: string, deletedAt: number): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockDocument(client, docId)
      await client.query(`DELETE FROM ${this.table('doc_versions')} WHERE doc_id = $1`, [docId])
      await client.query(`DELETE FROM ${this.table('doc_updates')} WHERE doc_id = $1`, [docId])
      await client.query(`DELETE FROM ${this.table('doc_snapshots')} WHERE doc_id = $1`, [docId])
      await client.query(`DELETE FROM ${this.table('doc_access_changes')} WHERE doc_id = $1`, [docId])
      await client.query(
        `INSERT INTO ${this.table('doc_deletions')} (doc_id, deleted_at) VALUES ($1, $2)
         ON CONFLICT (doc_id) DO UPDATE SET deleted_at = excluded.deleted_at`,
        [docId, deletedAt],
      )
    })
  }

  async recordAccessChange(docId: string, sub: string, change: AccessChange): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table('doc_access_changes')} (doc_id, sub, access, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (doc_id, sub) DO UPDATE SET access = excluded.access, changed_at = excluded.changed_at`,
      [docId, sub, change.access, change.changedAt],
    )
  }

  async getPolicy(docId: string, sub: string): Promise<DocumentPolicy> {
    const result = await this.pool.query<{ deleted_at: string | null; access: AccessChange['access'] | null; changed_at: string | null }>(
      `SELECT (SELECT deleted_at FROM ${this.table('doc_deletions')} WHERE doc_id = $1) AS deleted_at,
              a.access, a.changed_at
       FROM (SELECT 1) AS one
       LEFT JOIN ${this.table('doc_access_changes')} a ON a.doc_id = $1 AND a.sub = $2`,
      [docId, sub],
    )
    const row = result.rows[0]
    return {
      deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
      accessChange: row.access && row.changed_at !== null ? { access: row.access, changedAt: Number(row.changed_at) } : null,
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1')
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end()
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }
}

interface PostgresVersionRow {
  id: string
  doc_id: string
  seq: string
  created_at: string
  label: string | null
  kind: string
  authors: string
}

function toVersionRecord(row: PostgresVersionRow): VersionRecord {
  return {
    id: Number(row.id),
    docId: row.doc_id,
    seq: Number(row.seq),
    createdAt: Number(row.created_at),
    label: row.label,
    kind: row.kind as VersionKind,
    authors: decodeAuthors(row.authors),
  }
}
