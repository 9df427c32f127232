import type { JSONContent } from '@tiptap/core'
import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  TextRun,
  type ParagraphChild,
} from 'docx'
import mammoth from 'mammoth'
import { safeHref } from '@/components/editor/ui/SafeLink'
import { fromHtml } from './html'

/**
 * Word documents. Out: each block of the document becomes Word paragraphs
 * with Word's own heading styles and list numbering, so the file opens as a
 * structured document (and reads back with mammoth). In: mammoth turns the
 * file into HTML by its styles, and that goes through the editor's schema
 * like any HTML import.
 */
const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
] as const
const ORDERED = 'tandem-ordered'
const CODE_FONT = 'Courier New'
/** Word counts indents in twentieths of a point: 720 is half an inch. */
const INDENT_STEP = 720

interface Context {
  /** Each ordered list restarts its numbering: a new instance of the one numbering definition. */
  nextListInstance: number
}

interface Style {
  indent: number
  quote: boolean
}

export async function toDocx(content: JSONContent, title: string): Promise<Buffer> {
  const context: Context = { nextListInstance: 1 }
  const children = (content.content ?? []).flatMap((node) => blockParagraphs(node, context, { indent: 0, quote: false }, 0))
  const document = new Document({
    title,
    creator: 'Tandem',
    numbering: {
      config: [
        {
          reference: ORDERED,
          levels: Array.from({ length: 9 }, (_, level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: INDENT_STEP * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    sections: [{ children: children.length > 0 ? children : [new Paragraph({})] }],
  })
  return Packer.toBuffer(document)
}

function blockParagraphs(node: JSONContent, context: Context, style: Style, listLevel: number): Paragraph[] {
  const indent = style.indent > 0 ? { left: style.indent } : undefined
  const quoteBorder = style.quote
    ? { left: { style: BorderStyle.SINGLE, size: 12, color: 'AAAAAA', space: 8 } }
    : undefined
  switch (node.type) {
    case 'heading': {
      const level = Math.min(Math.max(Number(node.attrs?.level) || 1, 1), 6)
      return [new Paragraph({ heading: HEADINGS[level - 1], children: runs(node), indent, border: quoteBorder })]
    }
    case 'paragraph':
      return [new Paragraph({ children: runs(node), indent, border: quoteBorder })]
    case 'codeBlock':
      return (node.content?.map((child) => child.text ?? '').join('') ?? '').split('\n').map(
        (line) =>
          new Paragraph({
            children: [new TextRun({ text: line, font: CODE_FONT })],
            shading: { type: ShadingType.CLEAR, fill: 'F3F4F6', color: 'auto' },
            spacing: { after: 0 },
            indent,
            border: quoteBorder,
          }),
      )
    case 'blockquote':
      return (node.content ?? []).flatMap((child) =>
        blockParagraphs(child, context, { indent: style.indent + INDENT_STEP / 2, quote: true }, listLevel),
      )
    case 'horizontalRule':
      return [new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '999999', space: 1 } }, indent })]
    case 'bulletList':
    case 'orderedList':
    case 'taskList': {
      const instance = node.type === 'orderedList' ? context.nextListInstance++ : 0
      return (node.content ?? []).flatMap((item) => {
        const [first, ...rest] = item.content ?? []
        const checkbox = node.type === 'taskList' ? [new TextRun({ text: item.attrs?.checked ? '☑ ' : '☐ ' })] : []
        const head = new Paragraph({
          children: [...checkbox, ...(first ? runs(first) : [])],
          ...(node.type === 'bulletList' ? { bullet: { level: listLevel } } : {}),
          ...(node.type === 'orderedList' ? { numbering: { reference: ORDERED, level: listLevel, instance } } : {}),
          ...(node.type === 'taskList' ? { indent: { left: style.indent + INDENT_STEP * (listLevel + 1) } } : {}),
          border: quoteBorder,
        })
        const nested = rest.flatMap((child) =>
          blockParagraphs(child, context, { ...style, indent: style.indent + (child.type?.endsWith('List') ? 0 : INDENT_STEP * (listLevel + 1)) }, listLevel + 1),
        )
        return [head, ...nested]
      })
    }
    default:
      return [new Paragraph({ children: runs(node), indent })]
  }
}

/** A block's inline content as Word runs, marks as run formatting, links as hyperlinks. */
function runs(block: JSONContent): ParagraphChild[] {
  return (block.content ?? []).map((inline) => {
    if (inline.type === 'hardBreak') return new TextRun({ text: '', break: 1 })
    const marks = new Set((inline.marks ?? []).map((mark) => mark.type))
    const href = safeHref(inline.marks?.find((mark) => mark.type === 'link')?.attrs?.href)
    const run = new TextRun({
      text: inline.text ?? '',
      bold: marks.has('bold') || undefined,
      italics: marks.has('italic') || undefined,
      strike: marks.has('strike') || undefined,
      underline: marks.has('underline') || href ? {} : undefined,
      font: marks.has('code') ? CODE_FONT : undefined,
      color: href ? '1D4ED8' : undefined,
    })
    return href ? new ExternalHyperlink({ link: href, children: [run] }) : run
  })
}

/** A .docx file's content through mammoth; throws when the bytes are not a Word document. */
export async function fromDocx(bytes: Uint8Array): Promise<JSONContent> {
  const { value: html } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) })
  return fromHtml(html)
}
