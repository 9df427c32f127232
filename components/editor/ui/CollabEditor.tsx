'use client'

import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { Placeholder } from '@tiptap/extensions'
import { EditorContent, useEditor, type Editor } from '@tiptap/react'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import { useEffect } from 'react'
import { CommentHighlights } from '../comments/commentHighlights'
import type { CollabSession } from '../engine/CollabSession'
import type { PresenceUser } from '../engine/presence'
import { clearUndoOnRestore } from '../engine/restoreCheckpoint'
import { documentExtensions } from '../schema/documentExtensions'

/**
 * Tiptap on the session's Y.Doc. Render it keyed on the session (a new
 * session needs a new editor): the extensions bind to one doc and provider.
 */
export function useCollabEditor(session: CollabSession, user: PresenceUser, writable: boolean): Editor | null {
  const editor = useEditor(
    {
      // The server has no DOM; the editor is created after hydration.
      immediatelyRender: false,
      editable: writable,
      // Tiptap injects its base stylesheet; the page's Content-Security-Policy admits it by this nonce (proxy.ts).
      injectNonce: pageNonce(),
      extensions: [
        // What a document can hold; the server reads and writes documents with the same list.
        ...documentExtensions(),
        Placeholder.configure({ placeholder: 'Start writing…' }),
        Collaboration.configure({ document: session.doc }),
        // `user` goes into this tab's awareness state: name and colour for carets, id for the people list.
        CollaborationCaret.configure({ provider: session.provider, user }),
        // Highlights of commented ranges, from their Yjs anchors (components/editor/comments/).
        CommentHighlights,
      ],
      editorProps: {
        attributes: {
          role: 'textbox',
          'aria-label': 'Document editor',
          'aria-multiline': 'true',
          class: 'tandem-prose min-h-[60vh] px-4 py-6 focus:outline-none sm:px-8',
        },
      },
    },
    [session],
  )

  useEffect(() => {
    if (!editor || editor.isDestroyed) return
    editor.setEditable(writable)
    editor.view.dom.setAttribute('aria-readonly', String(!writable))
  }, [editor, writable])

  // A version restore is a checkpoint undo does not cross (HISTORY-30): the Collaboration extension's undo manager
  // is cleared when one arrives, else undoing a deletion the restore wrote back would write the words twice.
  useEffect(() => {
    if (!editor || editor.isDestroyed) return
    const undoManager = yUndoPluginKey.getState(editor.state)?.undoManager
    if (!undoManager) return
    return clearUndoOnRestore(session.doc, undoManager)
  }, [editor, session])

  return editor
}

/**
 * The nonce of this page's Content-Security-Policy, as Next.js put it on its
 * own scripts. (Browsers hide the `nonce` attribute from the DOM once loaded;
 * the property stays readable for the page's own code.)
 */
function pageNonce(): string | undefined {
  if (typeof document === 'undefined') return undefined
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined
}

export function CollabEditorContent({ editor, hidden }: { editor: Editor | null; hidden: boolean }) {
  return <EditorContent editor={editor} className={hidden ? 'hidden' : undefined} />
}
