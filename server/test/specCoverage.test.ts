/**
 * Every promise of docs/sync-protocol.md and docs/web-app.md is proved by a test, and every rule id
 * a test cites is one the spec has. Tests cite ids at the start of their title
 * (`it('AUTH-9: …')`) or in a `// proves: AUTH-9, API-1` comment on the line
 * before the test (or before a describe, for all its tests); this file finds
 * them in every test file of the repository.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../testkit/paths'
import { RULE_ID, readSpec, readWebAppSpec, retiredIds, ruleDefinitions } from './support/spec'

/**
 * Rules whose proving test is on another branch, with where it will come
 * from. Empty this at merge: once a listed rule is proved, the check below
 * fails until it is taken off, so the list cannot outlive its reason.
 */
const PENDING_UNTIL_MERGE: Record<string, string> = {}

if (Object.keys(PENDING_UNTIL_MERGE).length > 0) {
  console.warn(`spec rules waiting for a test from another branch: ${Object.entries(PENDING_UNTIL_MERGE).map(([id, from]) => `${id} (${from})`).join('; ')}`)
}

const TEST_ROOTS = ['server', 'testkit', 'components', 'app', 'e2e', 'scripts', 'deploy']
const TEST_FILE = /\.(test|spec)\.(ts|tsx|mts|js|mjs)$/
const THIS_FILE = path.relative(REPO_ROOT, import.meta.filename)

function testFiles(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) found.push(...testFiles(relative))
    } else if (TEST_FILE.test(entry.name) && relative !== THIS_FILE) {
      found.push(relative)
    }
  }
  return found
}

interface Citation {
  id: string
  /** `file:line`, where the test (or its proves comment) is. */
  where: string
}

const PROVES = /^\s*\/\/\s*proves:(.*)$/
/** A line that opens a test or a group of tests. */
const TEST_START = /^\s*(await\s+)?(it|test|describe\w*)\b/
/** A title that starts with rule ids: it('AUTH-9: …'), it.each(rows)('SYNC-1, SYNC-2: …'), test.skip("…"). */
const TITLE_IDS = new RegExp(
  String.raw`\b(?:it|test|describe)(?:\.\w+)*(?:\([^()]*\))?\(\s*['"\x60]((?:${RULE_ID.source})(?:\s*,\s*(?:${RULE_ID.source}))*)\s*:`,
  'g',
)

/** Every citation in `file`, and every proves comment that is malformed or not followed by a test. */
function citationsIn(file: string): { citations: Citation[]; problems: string[] } {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n')
  const citations: Citation[] = []
  const problems: string[] = []
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`
    const proves = PROVES.exec(line)
    if (proves) {
      const ids = proves[1].split(',').map((id) => id.trim())
      const malformed = ids.filter((id) => !new RegExp(`^${RULE_ID.source}$`).test(id))
      if (malformed.length > 0) problems.push(`${where}: "proves:" lists ${JSON.stringify(malformed)}, which are not rule ids`)
      // The comment belongs to the next line of code; other comment lines may sit between.
      const next = lines.slice(index + 1).find((l) => l.trim() !== '' && !/^\s*\/\//.test(l))
      if (!next || !TEST_START.test(next)) problems.push(`${where}: a "proves:" comment must sit right before a test or describe`)
      for (const id of ids) if (!malformed.includes(id)) citations.push({ id, where })
    }
    for (const match of line.matchAll(TITLE_IDS)) {
      for (const id of match[1].split(',')) citations.push({ id: id.trim(), where })
    }
  })
  return { citations, problems }
}

/** The rules of both documents, each with the file that defines it (ids are unique across the two). */
const rules = [
  ...ruleDefinitions(readSpec()).map((rule) => ({ ...rule, file: 'docs/sync-protocol.md' })),
  ...ruleDefinitions(readWebAppSpec()).map((rule) => ({ ...rule, file: 'docs/web-app.md' })),
]
const ruleIds = new Set(rules.map((rule) => rule.id))
const retired = new Set(retiredIds())
const files = TEST_ROOTS.flatMap(testFiles)
const scanned = files.map(citationsIn)
const citations = scanned.flatMap((s) => s.citations)
const provedBy = new Map<string, string[]>()
for (const { id, where } of citations) provedBy.set(id, [...(provedBy.get(id) ?? []), where])

describe('docs/sync-protocol.md, docs/web-app.md and the tests', () => {
  it('the spec defines rules, each id once, none of them retired', () => {
    expect(rules.length).toBeGreaterThan(50)
    const seen = new Set<string>()
    const problems: string[] = []
    for (const { id, line, file } of rules) {
      if (seen.has(id)) problems.push(`${id} is defined twice (again at ${file}:${line})`)
      if (retired.has(id)) problems.push(`${id} is retired but defined again at ${file}:${line}`)
      seen.add(id)
    }
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('every rule id in the spec is proved by at least one test', () => {
    expect(files.length).toBeGreaterThan(20)
    const unproved = rules.filter(({ id }) => !provedBy.has(id) && !(id in PENDING_UNTIL_MERGE))
    const report = unproved.map(({ id, line, file }) => `${id} (${file}:${line}) is proved by no test`)
    expect(report, `rules without a test:\n${report.join('\n')}`).toEqual([])
  })

  it('every rule id a test cites is defined in the spec (and not retired)', () => {
    const unknown = citations.filter(({ id }) => !ruleIds.has(id))
    const report = unknown.map(({ id, where }) => `${where} cites ${id}, which the spec ${retired.has(id) ? 'has retired' : 'does not define'}`)
    expect(report, `citations of unknown ids:\n${report.join('\n')}`).toEqual([])
  })

  it('"proves:" comments list rule ids and sit right before a test', () => {
    const problems = scanned.flatMap((s) => s.problems)
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('the pending list holds only spec rules still waiting for their test', () => {
    const problems: string[] = []
    for (const [id, from] of Object.entries(PENDING_UNTIL_MERGE)) {
      if (!ruleIds.has(id)) problems.push(`${id} is pending but the spec does not define it`)
      else if (provedBy.has(id)) problems.push(`${id} is now proved by ${provedBy.get(id)!.join(', ')}: take it off PENDING_UNTIL_MERGE (it waited for ${from})`)
    }
    expect(problems, problems.join('\n')).toEqual([])
  })
})
