import Link from '@tiptap/extension-link'

/**
 * Tiptap's Link mark, narrowed to what a shared document may put in a page.
 * A document arrives from every writer (and from the sync server's HTTP API),
 * so its link marks are data, not markup: the mark keeps only `href`, only
 * for http, https and mailto, and renders it with our own `rel` and `target`.
 * Whatever else a crafted mark carries (`class`, `rel`, `target`, `style`,
 * `on…` handlers) is not in the schema, so y-prosemirror drops it on the way
 * in and it never reaches an attribute; a `javascript:` or `data:` href
 * renders as no href at all.
 */
export const LINK_REL = 'noopener noreferrer nofollow'
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])
const MAX_HREF_LENGTH = 2048

/**
 * The href a link may carry, or null. What a person types without a scheme
 * (`example.com`) becomes https; anything else is parsed as a URL, which also
 * strips the tabs and newlines that hide `java\tscript:`.
 */
export function safeHref(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const trimmed = value.trim()
  if (!trimmed || trimmed.length > MAX_HREF_LENGTH) return null
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('/') ? trimmed : `https://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme.startsWith('//') ? `https:${withScheme}` : withScheme)
  } catch {
    return null
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null
  if (url.protocol !== 'mailto:' && !url.hostname) return null
  return url.href
}

/** The attributes a rendered link gets: these, never the document's. */
export function linkAttributes(href: unknown): Record<string, string> {
  const safe = safeHref(href)
  return safe ? { href: safe, rel: LINK_REL, target: '_blank' } : {}
}

export const SafeLink = Link.extend({
  addOptions() {
    return {
      ...this.parent!(),
      openOnClick: false,
      autolink: true,
      defaultProtocol: 'https',
      protocols: [],
      HTMLAttributes: {},
      isAllowedUri: (url: string) => safeHref(url) !== null,
    }
  },

  // Only href: a mark from the document with rel, target, class or title keeps none of them.
  addAttributes() {
    return {
      href: {
        default: null,
        parseHTML: (element: HTMLElement) => safeHref(element.getAttribute('href')),
        // Rendered by renderHTML below, from the vetted value only.
        renderHTML: () => ({}),
      },
    }
  },

  renderHTML({ mark }) {
    return ['a', linkAttributes(mark.attrs.href), 0]
  },

  addCommands() {
    const parent = this.parent!()
    return {
      ...parent,
      setLink: (attributes) => parent.setLink!({ href: safeHref(attributes.href) ?? '' }),
      toggleLink: (attributes) => parent.toggleLink!(attributes?.href ? { href: safeHref(attributes.href) ?? '' } : attributes),
    }
  },
})
