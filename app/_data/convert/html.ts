import type { JSONContent } from '@tiptap/core'
import { generateHTML, generateJSON } from '@tiptap/html/server'
import { Window } from 'happy-dom'
import { editorExtensions, normalizeContent } from './schema'

/**
 * HTML in and out through the editor's schema (its parseHTML and renderHTML
 * rules), on happy-dom with scripts, styles and frames never loaded: an
 * imported page is only parsed, never run.
 */
export function contentToHtml(content: JSONContent): string {
  return generateHTML(content, editorExtensions())
}

/** A standalone page: the title in `<title>`, the body as the editor renders it. */
export function toHtmlPage(content: JSONContent, title: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '</head>',
    '<body>',
    contentToHtml(content),
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

export function fromHtml(html: string): JSONContent {
  return normalizeContent(generateJSON(html, editorExtensions()))
}

/** The page's `<title>`, trimmed, or null. */
export function htmlTitle(html: string): string | null {
  const window = new Window({
    settings: {
      disableJavaScriptEvaluation: true,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableIframePageLoading: true,
      disableComputedStyleRendering: true,
    },
  })
  try {
    const parsed = new window.DOMParser().parseFromString(html, 'text/html')
    const title = parsed.querySelector('title')?.textContent?.trim()
    return title || null
  } finally {
    window.happyDOM.abort()
    void window.happyDOM.close()
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
