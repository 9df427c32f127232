import 'server-only'
import { sql } from 'kysely'
import { isPostgres } from '../migrations'
import type { Db } from '../db'
import { fts5Query, MATCH_END, MATCH_START, searchTerms, snippetParts, tsQuery, type SnippetPart } from './query'
import { textSnippet } from './snippet'

/**
 * The search index's table (migration 2026_12_03_030_search) and the one
 * query that reads it. SQLite: FTS5 with bm25 ranking, titles weighing ten
 * times the text. PostgreSQL: a weighted tsvector ranked by ts_rank. In
 * both, the reader's access is part of the query itself (owner or member),
 * so a document they lost access to cannot come back, whatever the index holds.
 */
export interface SearchResult {
  id: string
  title: string
  snippet: SnippetPart[]
  updatedAt: string
}

export const MAX_RESULTS = 20
/** The text kept per document: enough for a long one, bounded so one huge paste cannot bloat the index. */
export const MAX_INDEXED_CHARS = 1_000_000

export async function writeIndexEntry(db: Db, entry: { documentId: string; title: string; body: string; indexedAt: string }): Promise<void> {
  const values = { document_id: entry.documentId, title: entry.title, body: entry.body.slice(0, MAX_INDEXED_CHARS), indexed_at: entry.indexedAt }
  await db
    .insertInto('search_documents')
    .values(values)
    .onConflict((oc) => oc.column('document_id').doUpdateSet({ title: values.title, body: values.body, indexed_at: values.indexed_at }))
    .execute()
}

/** Documents whose index entry is missing or older than their last edit or rename, least recently edited first. */
export async function staleDocuments(db: Db, limit: number): Promise<{ id: string; ownerId: string; title: string; updatedAt: string }[]> {
  const rows = await db
    .selectFrom('documents')
    .leftJoin('search_documents', 'search_documents.document_id', 'documents.id')
    .select(['documents.id', 'documents.owner_id', 'documents.title', 'documents.updated_at'])
    .where((eb) => eb.or([eb('search_documents.document_id', 'is', null), eb('search_documents.indexed_at', '<', eb.ref('documents.updated_at'))]))
    .orderBy('documents.updated_at')
    .limit(limit)
    .execute()
  return rows.map((row) => ({ id: row.id, ownerId: row.owner_id, title: row.title, updatedAt: row.updated_at }))
}

export async function searchDocuments(db: Db, userId: string, query: string, limit = MAX_RESULTS): Promise<SearchResult[]> {
  const terms = searchTerms(query)
  if (terms.length === 0) return []
  if (isPostgres(db)) {
    const rows = await searchPostgres(db, userId, tsQuery(terms), limit)
    return rows.map((row) => ({ id: row.id, title: row.title, updatedAt: row.updated_at, snippet: snippetParts(row.snippet ?? '') }))
  }
  const rows = await searchSqlite(db, userId, fts5Query(terms), limit)
  return rows.map((row) => ({ id: row.id, title: row.title, updatedAt: row.updated_at, snippet: textSnippet(row.body === '' ? row.title : row.body, terms) }))
}

interface SqliteRow {
  id: string
  title: string
  updated_at: string
  body: string
}

interface Row {
  id: string
  title: string
  updated_at: string
  snippet: string | null
}

async function searchSqlite(db: Db, userId: string, match: string, limit: number): Promise<SqliteRow[]> {
  // FTS5 ranks the matches itself (ORDER BY its rank column, bm25 with the
  // title weighing ten times the text), and the access check runs on them
  // in that order through the primary-key and member indexes, so the query
  // stops once a page of readable documents is found: for a word in nearly
  // every document, a few dozen checks instead of thousands. The subquery's
  // LIMIT -1 keeps SQLite from dropping its ORDER BY, and the outer query,
  // having none of its own, reads the ranked rows in that order. Only the
  // returned rows' texts are read, for their snippets.
  const { rows } = await sql<SqliteRow>`
    with ranked as (
      select rowid, rank from search_fts
      where search_fts match ${match} and rank match 'bm25(10.0, 1.0)'
      order by rank
      limit -1
    )
    select d.id, d.title, d.updated_at, s.body
    from ranked
    cross join search_documents s on s.rowid = ranked.rowid
    cross join documents d on d.id = s.document_id
    where d.owner_id = ${userId} or exists (select 1 from memberships m where m.document_id = d.id and m.user_id = ${userId})
    limit ${limit}
  `.execute(db)
  return rows
}

async function searchPostgres(db: Db, userId: string, tsquery: string, limit: number): Promise<Row[]> {
  // Headlines are costly: made for the page of results only, after ranking.
  const { rows } = await sql<Row>`
    with q as (select to_tsquery('simple', ${tsquery}) as query),
    hits as (
      select d.id, d.title, d.updated_at, s.body, ts_rank(s.tsv, q.query) as rank
      from search_documents s
      cross join q
      join documents d on d.id = s.document_id
      left join memberships m on m.document_id = d.id and m.user_id = ${userId}
      where s.tsv @@ q.query and (d.owner_id = ${userId} or m.user_id is not null)
      order by rank desc, d.updated_at desc
      limit ${limit}
    )
    select hits.id, hits.title, hits.updated_at,
      ts_headline('simple', case when hits.body = '' then hits.title else hits.body end, q.query,
        ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "`}) as snippet
    from hits cross join q
    order by hits.rank desc, hits.updated_at desc
  `.execute(db)
  return rows
}
