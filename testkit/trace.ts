/**
 * The automerge-paper editing trace (data/README.md says what it is, where it
 * comes from and under which licence), carried in the repository gzipped so
 * that every clone runs the tests and the benchmark that replay it.
 *
 * Plain Node, no test framework: the vitest tests, the Playwright spec and the
 * benchmark (`node --import tsx`) all read it through this module.
 *
 * @example
 * const { edits, finalText } = loadTrace()
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'

export const TRACE_FILE = path.join(import.meta.dirname, 'data', 'automerge-paper.json.gz')

/** sha256 of the decompressed JSON: the content, whatever compressor made the .gz. */
export const TRACE_SHA256 = '1e9e86d26c0ff073508f731bd372d20f5cc0c676d0f446216f46657f40545b36'

/** One edit: at `pos`, delete `delCount` characters, then insert `insert` (as `Array.prototype.splice`). */
export type TraceEdit = [pos: number, delCount: number, insert: string]

export interface EditingTrace {
  name: string
  description: string
  editCount: number
  finalLength: number
  edits: TraceEdit[]
  finalText: string
}

/** The decompressed JSON bytes, after checking their checksum. Throws, naming the file, when they differ. */
export function readTraceJson(file = TRACE_FILE): Buffer {
  const json = gunzipSync(readFileSync(file))
  const actual = createHash('sha256').update(json).digest('hex')
  if (actual !== TRACE_SHA256) {
    throw new Error(`${file} is not the automerge-paper trace: sha256 of its content is ${actual}, expected ${TRACE_SHA256}`)
  }
  return json
}

let cached: EditingTrace | null = null

/** The parsed trace (read, checked and parsed once per process; treat it as read-only). */
export function loadTrace(): EditingTrace {
  cached ??= JSON.parse(readTraceJson().toString('utf8')) as EditingTrace
  return cached
}
