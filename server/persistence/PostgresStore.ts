/**
 * Documents in PostgreSQL (`DATABASE_URL=postgres://…`), for several sync
 * server instances sharing one database. Same layout as the SQLite store:
 * an append-only log with a growing sequence number, plus one snapshot per
 * document. Tables are created on open (idempotent migrations).
 */
import pg from 'pg'
import type { AccessChange, AppendEntry, DocumentPolicy, DocumentStore, FoldedSnapshot, StoredDocument } from './DocumentStore'

export interface PostgresStoreOptions {
  connectionString: string
  /** Schema for the tables (created if missing); tests use one per test. */
  schema?: string
  poolSize?: number
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

  constructor(options: PostgresStoreOptions) {
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
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${t('doc_snapshots')} (doc_id TEXT PRIMARY KEY, snapshot BYTEA NOT NULL);
        ALTER TABLE ${t('doc_snapshots')} ADD COLUMN IF NOT EXISTS state_vector BYTEA;
        CREATE TABLE IF NOT EXISTS ${t('doc_updates')} (
          seq BIGSERIAL PRIMARY KEY, doc_id TEXT NOT NULL, update_data BYTEA NOT NULL);
        CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON ${t('doc_updates')} (doc_id, seq);
        CREATE TABLE IF NOT EXISTS ${t('doc_deletions')} (doc_id TEXT PRIMARY KEY, deleted_at BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS ${t('doc_access_changes')} (
          doc_id TEXT NOT NULL, sub TEXT NOT NULL, access TEXT NOT NULL, changed_at BIGINT NOT NULL,
          PRIMARY KEY (doc_id, sub));
      `)
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
      `INSERT INTO ${this.table('doc_updates')} (doc_id, update_data)
       SELECT * FROM unnest($1::text[], $2::bytea[]) RETURNING doc_id, seq`,
      [entries.map((entry) => entry.docId), entries.map((entry) => Buffer.from(entry.update.buffer, entry.update.byteOffset, entry.update.byteLength))],
    )
    for (const row of result.rows) {
      const seq = Number(row.seq)
      if (seq > (lastSeqByDoc.get(row.doc_id) ?? 0)) lastSeqByDoc.set(row.doc_id, seq)
    }
    return lastSeqByDoc
  }

  async compact(docId: string, throughSeq: number, fold: (updates: Uint8Array[]) => FoldedSnapshot | null): Promise<void> {
    await this.transaction(async (client) => {
      // One compaction per document at a time, across every instance.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tandem-compact:${this.schema}:${docId}`])
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

  async deleteDocument(docId: string, deletedAt: number): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tandem-compact:${this.schema}:${docId}`])
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
