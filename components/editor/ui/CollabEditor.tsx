'use client'

import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import { Placeholder } from '@tiptap/extensions'
import { EditorContent, useEditor, type Editor } from '@tiptap/react'
import StarterKit from '@tiptap/starter-kit'
import { useEffect } from 'react'
import type { CollabSession } from '../engine/CollabSession'
import type { PresenceUser } from '../engine/presence'

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
      extensions: [
        // Collaboration brings its own undo (Yjs UndoManager: only this user's changes), so StarterKit's is off.
        StarterKit.configure({ undoRedo: false, link: { openOnClick: false, autolink: true, defaultProtocol: 'https' } }),
        TaskList,
        TaskItem.configure({ nested: true }),
        Placeholder.configure({ placeholder: 'Start writing…' }),
        Collaboration.configure({ document: session.doc }),
        // `user` goes into this tab's awareness state: name and colour for carets, id for the people list.
        CollaborationCaret.configure({ provider: session.provider, user }),
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

  return editor
}

export function CollabEditorContent({ editor, hidden }: { editor: Editor | null; hidden: boolean }) {
  return <EditorContent editor={editor} className={hidden ? 'hidden' : undefined} />
}
