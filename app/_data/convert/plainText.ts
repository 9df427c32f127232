import type { JSONContent } from '@tiptap/core'
import { normalizeContent, textOf } from './schema'

/**
 * Plain text: one block per paragraph, separated by blank lines; list items
 * keep a marker (`- `, `1. `, `[x] `) and nested ones an indent, so the
 * text still reads as the document did.
 */
export function toPlainText(content: JSONContent): string {
  const blocks = (content.content ?? []).map((node) => blockText(node, '')).filter((block) => block !== null)
  return blocks.length > 0 ? `${blocks.join('\n\n')}\n` : ''
}

function blockText(node: JSONContent, indent: string): string | null {
  switch (node.type) {
    case 'bulletList':
    case 'orderedList':
    case 'taskList':
      return (node.content ?? [])
        .map((item, index) => {
          const marker =
            node.type === 'orderedList'
              ? `${(Number(node.attrs?.start) || 1) + index}. `
              : node.type === 'taskList'
                ? item.attrs?.checked
                  ? '[x] '
                  : '[ ] '
                : '- '
          return itemText(item, indent, marker)
        })
        .join('\n')
    case 'blockquote':
      return (node.content ?? [])
        .map((child) => blockText(child, ''))
        .filter((block) => block !== null)
        .join('\n\n')
        .split('\n')
        .map((line) => `${indent}> ${line}`.trimEnd())
        .join('\n')
    case 'codeBlock':
      return indentLines(textOf(node), indent)
    case 'horizontalRule':
      return `${indent}---`
    default:
      return indentLines(inlineText(node), indent)
  }
}

function itemText(item: JSONContent, indent: string, marker: string): string {
  const [first, ...rest] = item.content ?? []
  const head = `${indent}${marker}${first ? inlineText(first) : ''}`
  const nested = rest.map((child) => blockText(child, `${indent}  `)).filter((block) => block !== null)
  return [head, ...nested].join('\n')
}

/** A block's text with its hard breaks kept as line breaks. */
function inlineText(node: JSONContent): string {
  if (node.type === 'text') return node.text ?? ''
  if (node.type === 'hardBreak') return '\n'
  return (node.content ?? []).map(inlineText).join('')
}

function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => indent + line)
    .join('\n')
}

/** Text as a document: paragraphs split on blank lines, single line breaks kept as hard breaks. */
export function fromPlainText(text: string): JSONContent {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '')
  return normalizeContent({
    type: 'doc',
    content: paragraphs.map((paragraph) => ({
      type: 'paragraph',
      content: paragraph
        .split('\n')
        .flatMap((line, index) => [
          ...(index > 0 ? [{ type: 'hardBreak' }] : []),
          ...(line ? [{ type: 'text', text: line }] : []),
        ]),
    })),
  })
}
