import type { JSONContent } from '@tiptap/core'
import { MarkdownManager } from '@tiptap/markdown'
import { editorExtensions, normalizeContent } from './schema'

/**
 * Markdown in and out with Tiptap's own Markdown support, driven by the
 * editor's extensions: each node and mark says how it is written
 * (CommonMark plus GitHub's task lists and `~~strike~~`; underline, which
 * Markdown lacks, as `++text++`).
 */
let manager: MarkdownManager | null = null

function markdown(): MarkdownManager {
  return (manager ??= new MarkdownManager({ extensions: editorExtensions() }))
}

export function toMarkdown(content: JSONContent): string {
  // One newline at the end, whatever empty paragraphs the document ends with (the editor keeps one after a list).
  const text = markdown().serialize(content).replace(/\s+$/, '')
  return text ? `${text}\n` : ''
}

export function fromMarkdown(text: string): JSONContent {
  return normalizeContent(markdown().parse(text))
}
