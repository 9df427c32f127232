/**
 * What both stores share about a document's history: who wrote a stored
 * update, what a version is, and how compaction folds the log without
 * crossing a version (docs/sync-protocol.md, "Version history").
 *
 * A version is a sequence number in the log: its state is the snapshot plus
 * every logged update up to it. Compaction may merge the rows *between* two
 * versions into one row (kept at the later row's sequence number), never
 * rows on both sides of one, so every version's rows, and so its state,
 * stay exactly as they were.
 */
import * as Y from 'yjs'

/** Who sent an update: the token's `sub` and display name. */
export interface Author {
  sub: string
  name: string | null
}

export type VersionKind = 'auto' | 'named' | 'restore'

export interface VersionRecord {
  id: number
  docId: string
  /** The last log sequence number the version includes (0: only the snapshot). */
  seq: number
  /** Milliseconds since the epoch. */
  createdAt: number
  label: string | null
  kind: VersionKind
  /** Everyone who wrote since the previous version, first write first. */
  authors: Author[]
}

export interface NewVersion {
  kind: VersionKind
  label: string | null
  /** Milliseconds since the epoch. */
  createdAt: number
  /**
   * Who this version is for when no stored update says (a named version of
   * an unchanged document, a restore): added to the log's authors.
   */
  author?: Author
  /** Make nothing (return null) when nothing was logged since the previous version (automatic versions). */
  onlyIfChanged?: boolean
}

export interface VersionPage {
  /** Only versions with a smaller id (the previous page's last). */
  before?: number
  limit: number
}

/** Authors as stored in a row: a JSON array, so a merged row keeps all of its writers. */
export function encodeAuthors(authors: readonly Author[]): string {
  return JSON.stringify(authors.map(({ sub, name }) => ({ sub, name })))
}

export function decodeAuthors(text: string | null | undefined): Author[] {
  if (!text) return []
  try {
    const parsed: unknown = JSON.parse(text)
    if (!Array.isArray(parsed)) return []
    return parsed.flatMap((entry) =>
      entry && typeof entry === 'object' && typeof entry.sub === 'string'
        ? [{ sub: entry.sub as string, name: typeof entry.name === 'string' ? (entry.name as string) : null }]
        : [],
    )
  } catch {
    return []
  }
}

/** Every author once (by sub, the latest name wins), in order of first appearance. */
export function unionAuthors(lists: Iterable<readonly Author[]>): Author[] {
  const bySub = new Map<string, Author>()
  for (const list of lists) {
    for (const author of list) {
      const known = bySub.get(author.sub)
      if (known) known.name = author.name ?? known.name
      else bySub.set(author.sub, { sub: author.sub, name: author.name })
    }
  }
  return [...bySub.values()]
}

export interface LogRow {
  seq: number
  update: Uint8Array
  authors: Author[]
}

/** Rows to merge into one: `keepSeq` takes the merged update, the others go. */
export interface SegmentMerge {
  keepSeq: number
  dropSeqs: number[]
  update: Uint8Array
  authors: Author[]
}

/**
 * Splits the rows (in seq order) at every version and merges each run of two
 * or more rows with `Y.mergeUpdates`: a merge keeps every struct and every
 * deletion of its rows, without needing what came before, so applying the
 * merged row gives what applying the rows in turn gives.
 */
export function planSegmentMerges(rows: readonly LogRow[], versionSeqs: readonly number[]): SegmentMerge[] {
  const boundaries = [...versionSeqs].sort((a, b) => a - b)
  const merges: SegmentMerge[] = []
  let segment: LogRow[] = []
  let boundary = 0
  const close = () => {
    if (segment.length > 1) {
      const last = segment[segment.length - 1]
      merges.push({
        keepSeq: last.seq,
        dropSeqs: segment.slice(0, -1).map((row) => row.seq),
        update: Y.mergeUpdates(segment.map((row) => row.update)),
        authors: unionAuthors(segment.map((row) => row.authors)),
      })
    }
    segment = []
  }
  for (const row of rows) {
    // Close every segment whose version comes before this row.
    while (boundary < boundaries.length && boundaries[boundary] < row.seq) {
      close()
      boundary++
    }
    segment.push(row)
  }
  close()
  return merges
}

/**
 * A version's whole state as one update, from its stored rows. Built
 * through a Y.Doc so the answer is the same encoding a live document would
 * give (deleted content collected), whatever merges the rows went through.
 */
export function buildVersionState(updates: readonly Uint8Array[]): Uint8Array {
  const doc = new Y.Doc()
  Y.transact(doc, () => {
    for (const update of updates) Y.applyUpdate(doc, update)
  })
  const state = Y.encodeStateAsUpdate(doc)
  doc.destroy()
  return state
}
