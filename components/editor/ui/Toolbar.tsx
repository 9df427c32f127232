'use client'

import { useEditorState, type Editor } from '@tiptap/react'
import { createContext, useContext, useRef, useState } from 'react'

/**
 * Roving tab stop (WAI-ARIA toolbar pattern): the toolbar is one Tab stop, the
 * last-focused button; arrow keys move between buttons.
 */
const RovingTabStop = createContext<{ active: string; setActive: (label: string) => void }>({ active: '', setActive: () => {} })

interface ToolbarButtonProps {
  label: string
  shortcut?: string
  active?: boolean
  onClick: () => void
  children: React.ReactNode
}

function ToolbarButton({ label, shortcut, active, onClick, children }: ToolbarButtonProps) {
  const roving = useContext(RovingTabStop)
  return (
    <button
      type="button"
      aria-label={label}
      aria-pressed={active === undefined ? undefined : active}
      title={shortcut ? `${label} (${shortcut})` : label}
      tabIndex={roving.active === label ? 0 : -1}
      onFocus={() => roving.setActive(label)}
      // Keep the editor's selection: a click would otherwise move focus first.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
      className="inline-flex h-8 min-w-8 items-center justify-center rounded px-1.5 text-sm text-slate-700 hover:bg-slate-100 aria-pressed:bg-blue-100 aria-pressed:text-blue-900"
    >
      {children}
    </button>
  )
}

const Divider = () => <span aria-hidden className="mx-1 h-5 w-px bg-slate-200" />

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl'

/**
 * Formatting controls; each shows whether its mark or block is active at the
 * cursor. `formatting` false (a commenter, who may not change the text):
 * only the Comment button. No `onComment` (a viewer): no Comment button.
 */
export function Toolbar({ editor, formatting = true, onComment }: { editor: Editor; formatting?: boolean; onComment?: () => void }) {
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      strike: e.isActive('strike'),
      code: e.isActive('code'),
      link: e.isActive('link'),
      h1: e.isActive('heading', { level: 1 }),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      taskList: e.isActive('taskList'),
      blockquote: e.isActive('blockquote'),
      codeBlock: e.isActive('codeBlock'),
    }),
  })
  const chain = () => editor.chain().focus()

  function toggleLink() {
    if (editor.isActive('link')) {
      chain().extendMarkRange('link').unsetLink().run()
      return
    }
    const href = window.prompt('Link address')
    if (href) chain().extendMarkRange('link').setLink({ href }).run()
  }

  const toolbarRef = useRef<HTMLDivElement>(null)
  const [activeButton, setActiveButton] = useState(formatting ? 'Bold' : 'Comment')

  /** Left/Right/Home/End move focus between the buttons; Tab leaves the toolbar. */
  function handleKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    const buttons = Array.from(toolbarRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])
    const current = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const next =
      event.key === 'ArrowRight' ? (current + 1) % buttons.length
      : event.key === 'ArrowLeft' ? (current - 1 + buttons.length) % buttons.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? buttons.length - 1
      : null
    if (next === null || current === -1) return
    event.preventDefault()
    buttons[next].focus()
  }

  return (
    <RovingTabStop.Provider value={{ active: activeButton, setActive: setActiveButton }}>
      <div ref={toolbarRef} role="toolbar" aria-label={formatting ? 'Formatting' : 'Comments'} onKeyDown={handleKeyDown} className="flex flex-wrap items-center gap-0.5 px-2 py-1">
        {formatting ? <FormattingButtons editor={editor} active={active} chain={chain} toggleLink={toggleLink} /> : null}
        {onComment ? (
          <>
            {formatting ? <Divider /> : null}
            <ToolbarButton label="Comment" shortcut={`${mod}+Alt+M`} onClick={onComment}>
              <span aria-hidden>💬</span>
              <span className="ml-1">Comment</span>
            </ToolbarButton>
          </>
        ) : null}
      </div>
    </RovingTabStop.Provider>
  )
}

function FormattingButtons({
  active,
  chain,
  toggleLink,
}: {
  editor: Editor
  active: Record<string, boolean>
  chain: () => ReturnType<Editor['chain']>
  toggleLink: () => void
}) {
  return (
    <>
        <ToolbarButton label="Bold" shortcut={`${mod}+B`} active={active.bold} onClick={() => chain().toggleBold().run()}>
          <b>B</b>
        </ToolbarButton>
        <ToolbarButton label="Italic" shortcut={`${mod}+I`} active={active.italic} onClick={() => chain().toggleItalic().run()}>
          <i>I</i>
        </ToolbarButton>
        <ToolbarButton label="Strikethrough" shortcut={`${mod}+Shift+S`} active={active.strike} onClick={() => chain().toggleStrike().run()}>
          <s>S</s>
        </ToolbarButton>
        <ToolbarButton label="Inline code" shortcut={`${mod}+E`} active={active.code} onClick={() => chain().toggleCode().run()}>
          <code>{'</>'}</code>
        </ToolbarButton>
        <ToolbarButton label="Link" active={active.link} onClick={toggleLink}>
          <span className="underline">link</span>
        </ToolbarButton>
        <Divider />
        {([1, 2, 3] as const).map((level) => (
          <ToolbarButton
            key={level}
            label={`Heading ${level}`}
            shortcut={`${mod}+Alt+${level}`}
            active={active[`h${level}`]}
            onClick={() => chain().toggleHeading({ level }).run()}
          >
            H{level}
          </ToolbarButton>
        ))}
        <Divider />
        <ToolbarButton label="Bullet list" shortcut={`${mod}+Shift+8`} active={active.bulletList} onClick={() => chain().toggleBulletList().run()}>
          •≡
        </ToolbarButton>
        <ToolbarButton label="Numbered list" shortcut={`${mod}+Shift+7`} active={active.orderedList} onClick={() => chain().toggleOrderedList().run()}>
          1.
        </ToolbarButton>
        <ToolbarButton label="Task list" shortcut={`${mod}+Shift+9`} active={active.taskList} onClick={() => chain().toggleTaskList().run()}>
          ☑
        </ToolbarButton>
        <ToolbarButton label="Quote" shortcut={`${mod}+Shift+B`} active={active.blockquote} onClick={() => chain().toggleBlockquote().run()}>
          ❝
        </ToolbarButton>
        <ToolbarButton label="Code block" shortcut={`${mod}+Alt+C`} active={active.codeBlock} onClick={() => chain().toggleCodeBlock().run()}>
          {'{ }'}
        </ToolbarButton>
        <ToolbarButton label="Horizontal rule" onClick={() => chain().setHorizontalRule().run()}>
          ―
        </ToolbarButton>
        <Divider />
        <ToolbarButton label="Undo" shortcut={`${mod}+Z`} onClick={() => chain().undo().run()}>
          ↶
        </ToolbarButton>
        <ToolbarButton label="Redo" shortcut={`${mod}+Shift+Z`} onClick={() => chain().redo().run()}>
          ↷
        </ToolbarButton>
    </>
  )
}
