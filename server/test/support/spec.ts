/**
 * docs/sync-protocol.md, read by tests: its rule ids, its retired ids and its
 * tables. The spec is written for people; these helpers only rely on the
 * conventions its "How to extend this document" section sets out.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from '../../../testkit/paths'

export const SPEC_FILE = path.join(REPO_ROOT, 'docs/sync-protocol.md')
/** The web app's own rules (comments and the like), in the same form. */
export const WEB_APP_SPEC_FILE = path.join(REPO_ROOT, 'docs/web-app.md')

/** A rule id: an upper-case prefix, a dash, a number (`AUTH-9`). */
export const RULE_ID = /\b[A-Z][A-Z0-9]*-\d+\b/
const RULE_ITEM = /^\s*[-*]\s+\*\*([A-Z][A-Z0-9]*-\d+)\*\*/

export function readSpec(): string {
  return readFileSync(SPEC_FILE, 'utf8')
}

export function readWebAppSpec(): string {
  return readFileSync(WEB_APP_SPEC_FILE, 'utf8')
}

export interface RuleDefinition {
  id: string
  line: number
}

/** Every rule: a list item that starts with a bold id, in document order. */
export function ruleDefinitions(markdown = readSpec()): RuleDefinition[] {
  const rules: RuleDefinition[] = []
  markdown.split('\n').forEach((text, index) => {
    const match = RULE_ITEM.exec(text)
    if (match) rules.push({ id: match[1], line: index + 1 })
  })
  return rules
}

/** Ids listed under the "Retired ids" heading: taken for good, proved by nothing. */
export function retiredIds(markdown = readSpec()): string[] {
  const section = sectionAfter(markdown, /^#+\s+Retired ids\s*$/)
  return section.flatMap((line) => line.match(new RegExp(RULE_ID.source, 'g')) ?? [])
}

/** The lines after the heading matching `heading`, up to the next heading of any level. */
export function sectionAfter(markdown: string, heading: RegExp): string[] {
  const lines = markdown.split('\n')
  const start = lines.findIndex((line) => heading.test(line))
  if (start < 0) return []
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => /^#{1,6}\s/.test(line))
  return end < 0 ? rest : rest.slice(0, end)
}

/**
 * The first Markdown table under the heading matching `heading`, as rows of
 * trimmed cells (the header row and the separator left out).
 */
export function tableUnder(markdown: string, heading: RegExp): string[][] {
  const section = sectionAfter(markdown, heading)
  const isRow = (line: string) => /^\s*\|/.test(line)
  const first = section.findIndex(isRow)
  if (first < 0) return []
  const rest = section.slice(first)
  const end = rest.findIndex((line) => !isRow(line))
  const table = end < 0 ? rest : rest.slice(0, end)
  return table.slice(2).map((line) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()))
}
