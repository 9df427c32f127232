import { TaskItem, TaskList } from '@tiptap/extension-list'
import StarterKit from '@tiptap/starter-kit'
import type { Extensions } from '@tiptap/core'
import { SafeLink } from '../ui/SafeLink'

/**
 * The extensions that make up a document's content: every node and mark the
 * editor can hold. The browser's editor adds its collaboration and UI
 * extensions on top; the server builds its schema from this same list to
 * read a stored document and to write an imported one, so both sides always
 * agree on what a document may contain.
 */
export function documentExtensions(): Extensions {
  return [
    // Collaboration brings its own undo (Yjs UndoManager: only this user's changes), so StarterKit's is off.
    // Links come from SafeLink: only a vetted href, with our rel and target, whatever the document holds.
    StarterKit.configure({ undoRedo: false, link: false }),
    SafeLink,
    TaskList,
    TaskItem.configure({ nested: true }),
  ]
}
