import type { JSONContent } from '@tiptap/core'
import mammoth from 'mammoth'
import { describe, expect, it } from 'vitest'
import { toDocx } from './docx'
import { ImportError, exportContent, importFile } from './formats'
import { fromHtml, toHtmlPage } from './html'
import { fromMarkdown, toMarkdown } from './markdown'
import { toPlainText } from './plainText'
import { normalizeContent } from './schema'
import { documentFromUpdate, updateFromContent } from './yjsDocument'

const text = (value: string, ...marks: JSONContent['marks'] & object): JSONContent =>
  marks.length > 0 ? { type: 'text', text: value, marks } : { type: 'text', text: value }
const paragraph = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content })
const item = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content })
const task = (checked: boolean, ...content: JSONContent[]): JSONContent => ({ type: 'taskItem', attrs: { checked }, content })

/** Every node and mark the editor has (components/editor/schema/documentExtensions.ts). */
const EVERYTHING: JSONContent = normalizeContent({
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [text('Release plan')] },
    paragraph(
      text('Plain, '),
      text('bold', { type: 'bold' }),
      text(', '),
      text('italic', { type: 'italic' }),
      text(', '),
      text('struck', { type: 'strike' }),
      text(', '),
      text('underlined', { type: 'underline' }),
      text(', '),
      text('npm test', { type: 'code' }),
      text(' and '),
      text('a link', { type: 'link', attrs: { href: 'https://example.com/notes' } }),
      text('.'),
    ),
    paragraph(text('first line'), { type: 'hardBreak' }, text('second line')),
    { type: 'heading', attrs: { level: 2 }, content: [text('Lists')] },
    { type: 'bulletList', content: [item(paragraph(text('apples'))), item(paragraph(text('pears')), { type: 'bulletList', content: [item(paragraph(text('nested')))] })] },
    { type: 'orderedList', attrs: { start: 1 }, content: [item(paragraph(text('one'))), item(paragraph(text('two')))] },
    { type: 'taskList', content: [task(false, paragraph(text('write the notes'))), task(true, paragraph(text('ship it')))] },
    { type: 'heading', attrs: { level: 3 }, content: [text('Odds and ends')] },
    { type: 'blockquote', content: [paragraph(text('Quoted '), text('words', { type: 'bold' }))] },
    { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('const answer = 42\nconsole.log(answer)')] },
    { type: 'horizontalRule' },
    paragraph(text('After the rule.')),
  ],
})

describe('conversion', () => {
  it('keeps every node and mark through Markdown and back', () => {
    const markdown = toMarkdown(EVERYTHING)
    expect(markdown).toContain('- [x] ship it')
    expect(markdown).toContain('```ts')
    expect(fromMarkdown(markdown)).toEqual(EVERYTHING)
  })

  it('keeps every node and mark through HTML and back', () => {
    const page = toHtmlPage(EVERYTHING, 'Release <plan>')
    expect(page).toContain('<title>Release &lt;plan&gt;</title>')
    expect(fromHtml(page)).toEqual(EVERYTHING)
  })

  it('reads a stored Yjs document back as the same content and title', () => {
    const stored = documentFromUpdate(updateFromContent(EVERYTHING, 'Release plan'))
    expect(stored).toEqual({ title: 'Release plan', content: EVERYTHING })
  })

  it('reads an empty stored document as one empty paragraph', () => {
    expect(documentFromUpdate(new Uint8Array()).content).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] })
  })

  it('writes plain text with list markers and task states', () => {
    const plain = toPlainText(EVERYTHING)
    expect(plain).toContain('Release plan\n\nPlain, bold, italic')
    expect(plain).toContain('- pears\n  - nested')
    expect(plain).toContain('[ ] write the notes\n[x] ship it')
    expect(plain).toContain('> Quoted words')
  })

  it('writes a Word file that mammoth reads back with the same text and headings', async () => {
    const docx = await toDocx(EVERYTHING, 'Release plan')
    const { value: html } = await mammoth.convertToHtml({ buffer: docx })
    expect(html).toContain('<h1>Release plan</h1>')
    expect(html).toContain('<h2>Lists</h2>')
    expect(html).toContain('<h3>Odds and ends</h3>')
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('<a href="https://example.com/notes">a link</a>')
    // The words in order, from mammoth's HTML (its raw text drops line breaks, running two words together).
    const raw = html.replace(/<br ?\/?>|<\/?(?:p|h\d|li|ul|ol)>/g, ' ').replace(/<[^>]+>/g, '')
    const words = (value: string) => value.replace(/[☐☑]/g, '').split(/\s+/).filter(Boolean)
    expect(words(raw)).toEqual(words(toPlainText(EVERYTHING).replace(/^\s*(?:[-]|\d+\.|\[[ x]\]|>|---)(?=\s|$)/gm, '')))
  })

  it('imports its own Word export as the same headings and text', async () => {
    const docx = await exportContent('docx', EVERYTHING, 'Release plan')
    const imported = await importFile('plan.docx', docx)
    expect(imported.title).toBe('Release plan')
    const headings = imported.content.content?.filter((node) => node.type === 'heading').map((node) => node.content?.[0]?.text)
    expect(headings).toEqual(['Release plan', 'Lists', 'Odds and ends'])
  })

  it('titles an import from its first heading, else from the file name', async () => {
    const encode = (value: string) => new TextEncoder().encode(value)
    expect((await importFile('notes.md', encode('intro\n\n## Agenda\n'))).title).toBe('Agenda')
    expect((await importFile('Team notes.txt', encode('just words'))).title).toBe('Team notes')
    expect((await importFile('page.html', encode('<title>Page title</title><p>x</p>'))).title).toBe('Page title')
  })

  it('refuses a Word file that would unpack to more than 100 MB, before unpacking it', async () => {
    const JSZip = (await import('jszip')).default
    const zip = new JSZip()
    zip.file('word/document.xml', new Uint8Array(101 * 1024 * 1024))
    const bomb = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' })
    expect(bomb.length).toBeLessThan(1024 * 1024)
    await expect(importFile('bomb.docx', bomb)).rejects.toThrow(/unpacks to more than 100 MB/)
  })

  it('refuses a file it cannot read, saying why', async () => {
    await expect(importFile('broken.docx', new TextEncoder().encode('not a zip'))).rejects.toThrow(ImportError)
    await expect(importFile('binary.md', new Uint8Array([0xff, 0xfe, 0x00, 0x81]))).rejects.toThrow(/not a text file/)
    await expect(importFile('image.png', new Uint8Array([1, 2, 3]))).rejects.toThrow(/only \.md/)
    await expect(importFile('big.txt', new Uint8Array(10 * 1024 * 1024 + 1))).rejects.toThrow(/larger than 10 MB/)
  })
})
