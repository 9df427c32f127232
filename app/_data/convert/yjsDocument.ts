import type { JSONContent } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment, yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { BODY_FRAGMENT, META_MAP, TITLE_KEY, setLiveTitle } from '@/components/editor/engine/documentShape'
import { EMPTY_DOCUMENT, editorSchema, normalizeContent } from './schema'

/**
 * A stored document (the Yjs update the sync server's `GET /docs/<id>/update`
 * answers) as ProseMirror JSON, read the way the editor reads it: the body
 * fragment through y-prosemirror with the editor's schema, so anything the
 * schema does not allow is left out exactly as the editor would leave it out.
 */
export interface StoredDocument {
  /** The live title in the document's `meta` map, when someone set one. */
  title: string | null
  content: JSONContent
}

export function documentFromUpdate(update: Uint8Array): StoredDocument {
  const doc = new Y.Doc()
  try {
    if (update.length > 0) Y.applyUpdate(doc, update)
    const root = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(BODY_FRAGMENT), editorSchema())
    const json = root.toJSON() as JSONContent
    const live = doc.getMap(META_MAP).get(TITLE_KEY)
    return {
      title: typeof live === 'string' ? live : null,
      content: json.content && json.content.length > 0 ? json : EMPTY_DOCUMENT,
    }
  } finally {
    doc.destroy()
  }
}

/**
 * The Yjs update that makes an empty document hold `content` and `title`:
 * what an import posts to the sync server (`POST /docs/<id>/update`) for a
 * document created a moment before.
 */
export function updateFromContent(content: JSONContent, title: string): Uint8Array {
  const doc = new Y.Doc()
  try {
    prosemirrorJSONToYXmlFragment(editorSchema(), normalizeContent(content), doc.getXmlFragment(BODY_FRAGMENT))
    setLiveTitle(doc, title)
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}
