import { getSchema, type JSONContent } from '@tiptap/core'
import type { Schema } from '@tiptap/pm/model'
import { documentExtensions } from '@/components/editor/schema/documentExtensions'

/**
 * The editor's schema on the server, built once from the same extensions the
 * browser's editor uses (components/editor/schema).
 */
let cached: { schema: Schema; extensions: ReturnType<typeof documentExtensions> } | null = null

export function editorExtensions() {
  return (cached ??= build()).extensions
}

export function editorSchema(): Schema {
  return (cached ??= build()).schema
}

function build() {
  const extensions = documentExtensions()
  return { extensions, schema: getSchema(extensions) }
}

/** A document with one empty paragraph: what the editor shows for an empty body. */
export const EMPTY_DOCUMENT: JSONContent = { type: 'doc', content: [{ type: 'paragraph' }] }

/**
 * Passes content through the schema: attributes the schema does not have are
 * dropped, and content the schema does not allow is refused (throws), so
 * nothing a converter produced reaches a stored document unchecked.
 */
export function normalizeContent(content: JSONContent): JSONContent {
  const node = editorSchema().nodeFromJSON(content)
  node.check()
  const json = node.toJSON() as JSONContent
  return json.content && json.content.length > 0 ? json : EMPTY_DOCUMENT
}

/** The text of a node and everything inside it, run together. */
export function textOf(node: JSONContent): string {
  if (node.type === 'text') return node.text ?? ''
  if (node.type === 'hardBreak') return ' '
  return (node.content ?? []).map(textOf).join('')
}

/** The first heading's text, if the document has one at its top level. */
export function firstHeading(content: JSONContent): string | null {
  const heading = content.content?.find((node) => node.type === 'heading')
  const text = heading ? textOf(heading).trim() : ''
  return text || null
}
