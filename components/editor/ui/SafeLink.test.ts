import { getSchema } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import { describe, expect, it } from 'vitest'
import { LINK_REL, linkAttributes, safeHref, SafeLink } from './SafeLink'

describe('link hrefs', () => {
  it.each([
    ['https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
    ['http://example.com', 'http://example.com/'],
    ['mailto:ada@example.com', 'mailto:ada@example.com'],
    ['  HTTPS://Example.com/x  ', 'https://example.com/x'],
    ['example.com/page', 'https://example.com/page'],
    ['//example.com/x', 'https://example.com/x'],
  ])('keeps %j as %j', (input, expected) => {
    expect(safeHref(input)).toBe(expected)
  })

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0001javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.com',
    'tel:+123',
    '/relative/path',
    'https://',
    '',
    null,
    42,
    { href: 'https://example.com' },
    'https://example.com/' + 'a'.repeat(3000),
  ])('drops %j', (input) => {
    expect(safeHref(input)).toBeNull()
  })

  it('renders only href, rel and target, ours', () => {
    expect(linkAttributes('https://example.com')).toEqual({ href: 'https://example.com/', rel: LINK_REL, target: '_blank' })
    expect(linkAttributes('javascript:alert(1)')).toEqual({})
  })

  it('has no attribute but href in the schema, so a document cannot bring others', () => {
    const schema = getSchema([StarterKit.configure({ link: false, undoRedo: false }), SafeLink])
    expect(Object.keys(schema.marks.link.spec.attrs ?? {})).toEqual(['href'])
    const mark = schema.mark('link', { href: 'https://example.com', class: 'evil', rel: 'opener', target: '_self', onclick: 'alert(1)' })
    expect(mark.attrs).toEqual({ href: 'https://example.com' })
    const [tag, attrs] = schema.marks.link.spec.toDOM!(mark, true) as [string, Record<string, string>]
    expect(tag).toBe('a')
    expect(attrs).toEqual({ href: 'https://example.com/', rel: LINK_REL, target: '_blank' })
  })
})
