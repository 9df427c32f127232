import type { JSONContent } from '@tiptap/core'
import { fromDocx, toDocx } from './docx'
import { fromHtml, htmlTitle, toHtmlPage } from './html'
import { fromMarkdown, toMarkdown } from './markdown'
import { fromPlainText, toPlainText } from './plainText'
import { declaredUnzippedBytes } from './zipSize'
import { firstHeading } from './schema'

/** What `GET /api/docs/<id>/export?format=` accepts, and what each answers. */
export const EXPORT_FORMATS = {
  md: { contentType: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { contentType: 'text/html; charset=utf-8', extension: 'html' },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
  txt: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
} as const
export type ExportFormat = keyof typeof EXPORT_FORMATS

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && Object.hasOwn(EXPORT_FORMATS, value)
}

export async function exportContent(format: ExportFormat, content: JSONContent, title: string): Promise<Uint8Array> {
  switch (format) {
    case 'md':
      return new TextEncoder().encode(toMarkdown(content))
    case 'html':
      return new TextEncoder().encode(toHtmlPage(content, title))
    case 'txt':
      return new TextEncoder().encode(toPlainText(content))
    case 'docx':
      return new Uint8Array(await toDocx(content, title))
  }
}

/** A file name for the download: the title with what file systems refuse replaced, and the format's extension. */
export function exportFileName(title: string, format: ExportFormat): string {
  const base = title.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120) || 'Untitled'
  return `${base}.${EXPORT_FORMATS[format].extension}`
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}

/** The largest file an import takes. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024

/** What a .docx may unpack to: text and styles of a long document are a few megabytes; images are dropped anyway. */
export const MAX_DOCX_UNZIPPED_BYTES = 100 * 1024 * 1024

export const IMPORT_EXTENSIONS = ['.md', '.markdown', '.html', '.htm', '.txt', '.docx'] as const

/** A file that cannot become a document; the message is for the person who chose it. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImportError'
  }
}

export interface ImportedDocument {
  title: string
  content: JSONContent
}

/**
 * One file as a new document's title and content. The kind is decided by the
 * file name's extension; text formats must be valid UTF-8. Throws ImportError,
 * saying why, for anything it cannot read.
 */
export async function importFile(fileName: string, bytes: Uint8Array): Promise<ImportedDocument> {
  if (bytes.length > MAX_IMPORT_BYTES) throw new ImportError(`${fileName} is larger than 10 MB.`)
  const extension = fileExtension(fileName)
  const fallbackTitle = titleFromFileName(fileName)
  if (extension === '.docx') {
    const unzipped = declaredUnzippedBytes(bytes)
    if (unzipped === null) throw new ImportError(`${fileName} is not a Word document that can be read (.docx).`)
    if (unzipped > MAX_DOCX_UNZIPPED_BYTES) throw new ImportError(`${fileName} unpacks to more than ${MAX_DOCX_UNZIPPED_BYTES / 1024 / 1024} MB: too large to import.`)
    let content: JSONContent
    try {
      content = await fromDocx(bytes)
    } catch {
      throw new ImportError(`${fileName} is not a Word document that can be read (.docx).`)
    }
    return { title: firstHeading(content) ?? fallbackTitle, content }
  }
  if (!(IMPORT_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new ImportError(`${fileName}: only .md, .markdown, .html, .txt and .docx files can be imported.`)
  }
  const text = decodeUtf8(fileName, bytes)
  try {
    if (extension === '.html' || extension === '.htm') {
      const content = fromHtml(text)
      return { title: firstHeading(content) ?? htmlTitle(text) ?? fallbackTitle, content }
    }
    const content = extension === '.txt' ? fromPlainText(text) : fromMarkdown(text)
    return { title: firstHeading(content) ?? fallbackTitle, content }
  } catch {
    throw new ImportError(`${fileName} could not be read as ${extension.slice(1)}.`)
  }
}

function decodeUtf8(fileName: string, bytes: Uint8Array): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new ImportError(`${fileName} is not a text file (it is not valid UTF-8).`)
  }
  // A NUL never belongs in a text document: this is a binary file with a text name.
  if (text.includes('\u0000')) throw new ImportError(`${fileName} is not a text file.`)
  return text
}

function fileExtension(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return dot === -1 ? '' : fileName.slice(dot).toLowerCase()
}

/** `Meeting notes.md` → `Meeting notes`. */
export function titleFromFileName(fileName: string): string {
  const base = fileName.replace(/^.*[/\\]/, '')
  const dot = base.lastIndexOf('.')
  return (dot > 0 ? base.slice(0, dot) : base).trim().slice(0, 200) || 'Imported document'
}
