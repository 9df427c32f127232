import type * as Y from 'yjs'

/**
 * Where things live inside a document's Y.Doc. The body is Tiptap's
 * Collaboration default, the XML fragment `default`; next to it, the map
 * `meta` holds the live title, so everyone sees each keystroke of a rename.
 * Anything later issues keep in the document (comments, history marks) gets
 * its name here; the one the server writes too, the map `restore` marking
 * the latest version restore, is named in lib/restoreMark.ts (the server
 * imports only lib/).
 */
/** Tiptap Collaboration's default field: the document's body. */
export const BODY_FRAGMENT = 'default'
export const META_MAP = 'meta'
export const TITLE_KEY = 'title'

/** Writes the live title (everyone in the document sees it at once). */
export function setLiveTitle(doc: Y.Doc, title: string): void {
  doc.getMap<string>(META_MAP).set(TITLE_KEY, title)
}

/**
 * Calls `onTitle` with the live title now (if there is one) and whenever it
 * changes; a value that is not a string (any client can write the map) is
 * ignored. Returns the function that stops watching.
 */
export function watchLiveTitle(doc: Y.Doc, onTitle: (title: string) => void): () => void {
  const meta = doc.getMap<string>(META_MAP)
  const update = () => {
    const live = meta.get(TITLE_KEY)
    if (typeof live === 'string') onTitle(live)
  }
  update()
  meta.observe(update)
  return () => meta.unobserve(update)
}
