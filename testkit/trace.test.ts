/**
 * The trace carried in testkit/data/ is the one its README describes, and the
 * loader refuses any other file rather than let a test replay the wrong data.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { loadTrace, readTraceJson, TRACE_FILE } from './trace'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('testkit/trace.ts', () => {
  it('reads the automerge-paper trace from the repository: the counts its README gives', () => {
    const trace = loadTrace()
    expect(trace.name).toBe('automerge-paper')
    expect(trace.edits).toHaveLength(259_778)
    expect(trace.editCount).toBe(259_778)
    expect(trace.edits.filter(([, del]) => del > 0)).toHaveLength(77_463)
    expect(trace.edits.filter(([, , ins]) => ins.length > 0)).toHaveLength(182_315)
    expect(trace.finalText).toHaveLength(104_852)
    expect(trace.finalLength).toBe(104_852)
    expect(readTraceJson()).toHaveLength(3_591_104)
  })

  it('refuses a file whose content differs from the checked one by a single byte', () => {
    const json = gunzipSync(readFileSync(TRACE_FILE))
    // One edit position changed: still valid JSON, still gzip, no longer the trace.
    const changed = Buffer.from(json.toString('latin1').replace('"edits":[[0,0,', '"edits":[[1,0,'), 'latin1')
    expect(changed.equals(json)).toBe(false)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-trace-'))
    dirs.push(dir)
    const file = path.join(dir, 'automerge-paper.json.gz')
    writeFileSync(file, gzipSync(changed))
    expect(() => readTraceJson(file)).toThrow(/is not the automerge-paper trace: sha256/)
  })
})
