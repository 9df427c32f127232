import type { Locator, Page } from '@playwright/test'
import { expect, paced } from '../fixtures/pace'
import { waitForProgress } from '../fixtures/progress'
import { ShareDialog } from './ShareDialog'

/** The values of the status's `data-sync-status` (components/editor/engine/syncStatus.ts). */
export type SyncStatus = 'connecting' | 'connected' | 'saved' | 'offline' | 'closed'

/** Toolbar buttons, by their accessible names (components/editor/ui/Toolbar.tsx). */
export type FormatButton =
  | 'Bold'
  | 'Italic'
  | 'Strikethrough'
  | 'Inline code'
  | 'Heading 1'
  | 'Heading 2'
  | 'Heading 3'
  | 'Bullet list'
  | 'Numbered list'
  | 'Task list'
  | 'Quote'
  | 'Code block'
  | 'Horizontal rule'
  | 'Undo'
  | 'Redo'

/** A person in the people list. */
export interface Person {
  name: string
  /** `#rrggbb`, the colour of their avatar, caret and selection. */
  color: string
  isSelf: boolean
}

/** A remote caret as drawn in this editor. */
export interface RemoteCaret {
  name: string
  color: string
}

/** `/d/<id>`: the editor, its header and its dialogs. */
export class EditorPage {
  readonly editor: Locator
  readonly title: Locator
  readonly status: Locator
  /** The people list (see {@link people} for its contents). */
  readonly peopleList: Locator
  readonly share: ShareDialog
  readonly toolbar: Locator

  constructor(readonly page: Page) {
    this.editor = page.getByRole('textbox', { name: 'Document editor' })
    this.title = page.getByLabel('Document title')
    this.status = page.getByRole('status')
    this.peopleList = page.getByRole('list', { name: 'People in this document' })
    this.share = new ShareDialog(page)
    this.toolbar = page.getByRole('toolbar', { name: 'Formatting' })
  }

  async goto(documentId: string) {
    await this.page.goto(`/d/${documentId}`)
  }

  get documentId(): string {
    return new URL(this.page.url()).pathname.split('/').pop()!
  }

  /** Waits until the document is live: connected to the sync server, content received. */
  async waitUntilLive() {
    await this.waitForStatus(/^(connected|saved)$/)
    await expect(this.editor).toBeVisible()
  }

  /** Alias of {@link waitUntilLive}: "connected" includes "saved" (connected, and everything stored). */
  async waitUntilConnected() {
    await this.waitUntilLive()
  }

  /** Waits until the server has stored every edit made here (the contract's saved acknowledgement). */
  async waitUntilSaved() {
    await this.waitForStatus('saved')
  }

  /** Waits for a status; `quietTimeoutMs` is the budget on a quiet machine, scaled by the machine's pace (e2e/fixtures/pace.ts). */
  async waitForStatus(status: SyncStatus | RegExp, quietTimeoutMs = 15_000) {
    await expect(this.status).toHaveAttribute('data-sync-status', status, { timeout: paced(quietTimeoutMs) })
  }

  async syncStatus(): Promise<SyncStatus> {
    return (await this.status.getAttribute('data-sync-status')) as SyncStatus
  }

  /** Types at the caret (click or {@link placeCaretAfter} first). `delayMs` between keys, like a person. */
  async type(text: string, { delayMs = 0 }: { delayMs?: number } = {}) {
    await this.page.keyboard.type(text, { delay: delayMs })
  }

  /** Types at the end of the document. */
  async typeAtEnd(text: string, options: { delayMs?: number } = {}) {
    await this.placeCaretAtEnd()
    await this.type(text, options)
  }

  /** Starts a new paragraph at the end of the document and types `text` into it. */
  async typeNewParagraph(text: string, options: { delayMs?: number } = {}) {
    await this.placeCaretAtEnd()
    await this.page.keyboard.press('Enter')
    await this.type(text, options)
  }

  /**
   * Puts the caret at the very end of the document (and scrolls there).
   * Clicking and pressing Ctrl+End races with ProseMirror's focus handling,
   * which puts the previous selection back a moment after focus (see
   * {@link selectRange}): about 20 ms on a quiet machine, long enough on a
   * busy one that Ctrl+End lost, and a new paragraph went in at the top. So
   * the caret is placed through the editor, then checked.
   */
  async placeCaretAtEnd() {
    await this.editor.evaluate((element) => {
      type TiptapElement = HTMLElement & { editor: { chain(): { focus(position: 'end'): { run(): boolean } } } }
      const { editor } = element as TiptapElement
      editor.chain().focus('end').run()
    })
    await expect
      .poll(() =>
        this.editor.evaluate((element) => {
          type Selection = { empty: boolean; head: number }
          type TiptapElement = HTMLElement & {
            editor: { state: { doc: unknown; selection: Selection & { constructor: { atEnd(doc: unknown): Selection } } } }
          }
          const { state } = (element as TiptapElement).editor
          return state.selection.empty && state.selection.head === state.selection.constructor.atEnd(state.doc).head && document.activeElement === element
        }),
      )
      .toBe(true)
  }

  /**
   * Types at the end of the document while others may be typing there too.
   * {@link placeCaretAtEnd} waits for the caret to be exactly at the end,
   * which never holds for long while someone else's keys keep arriving after
   * it; this waits instead until the caret has stayed in the last block on
   * two checks in a row (so ProseMirror's late restore of the old selection,
   * which would put it elsewhere, has passed), then moves it to the very end.
   */
  async typeAtEndWhileOthersType(text: string, options: { delayMs?: number } = {}) {
    await expect
      .poll(() =>
        this.editor.evaluate((element) => {
          type Selection = { empty: boolean; head: number; $head: { end(): number } }
          type TiptapElement = HTMLElement & {
            editor: {
              state: { doc: unknown; selection: Selection & { constructor: { atEnd(doc: unknown): Selection } } }
              chain(): { focus(position: 'end'): { run(): boolean } }
              commands: { setTextSelection(position: number): boolean }
            }
            caretHeldInLastBlock?: boolean
          }
          const target = element as TiptapElement
          const { editor } = target
          const { selection } = editor.state
          const end = selection.constructor.atEnd(editor.state.doc).head
          const inLastBlock = document.activeElement === element && selection.empty && selection.$head.end() === end
          const heldBefore = target.caretHeldInLastBlock === true
          target.caretHeldInLastBlock = inLastBlock
          if (!inLastBlock) {
            editor.chain().focus('end').run()
            return false
          }
          if (!heldBefore) return false
          target.caretHeldInLastBlock = false
          editor.commands.setTextSelection(end)
          return true
        }),
      )
      .toBe(true)
    await this.type(text, options)
  }

  /** Puts the caret right after the first occurrence of `text` (throws if it isn't there). */
  async placeCaretAfter(text: string) {
    await this.selectRange(text, 'end')
  }

  /** Selects the first occurrence of `text`, as a drag would. */
  async select(text: string) {
    await this.selectRange(text, 'all')
  }

  /**
   * Selects through the editor itself. Setting the DOM selection and letting
   * ProseMirror read it races with ProseMirror's own focus handling, which puts
   * its previous selection back about 20 ms after focus (one run in ten typed at
   * the start of the paragraph). So the text is found in the DOM, mapped to
   * document positions with `view.posAtDOM`, and selected with Tiptap's
   * `setTextSelection` (Tiptap keeps the editor on its DOM element as `.editor`).
   */
  private async selectRange(text: string, mode: 'all' | 'end') {
    const found = await this.editor.evaluate(
      (element, { text, mode }) => {
        // Text nodes outside other people's caret widgets, in document order.
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
          acceptNode: (node) => (node.parentElement?.closest('.collaboration-carets__caret') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
        })
        const nodes: Text[] = []
        while (walker.nextNode()) nodes.push(walker.currentNode as Text)
        const start = nodes.map((node) => node.data).join('').indexOf(text)
        if (start < 0) return false
        /** The text node and offset of a character offset; at a node boundary, the end of the earlier node or the start of the later one. */
        const locate = (offset: number, atBoundary: 'earlier' | 'later') => {
          let seen = 0
          for (const node of nodes) {
            const inside = atBoundary === 'earlier' ? offset <= seen + node.data.length : offset < seen + node.data.length
            if (inside) return { node, offset: offset - seen }
            seen += node.data.length
          }
          throw new Error('offset past the end')
        }
        type TiptapElement = HTMLElement & {
          editor: {
            view: { posAtDOM(node: Node, offset: number): number }
            chain(): { focus(): { setTextSelection(range: { from: number; to: number }): { run(): boolean } } }
          }
        }
        const { editor } = element as TiptapElement
        const end = locate(start + text.length, 'earlier')
        const to = editor.view.posAtDOM(end.node, end.offset)
        const begin = locate(start, 'later')
        const from = mode === 'end' ? to : editor.view.posAtDOM(begin.node, begin.offset)
        return editor.chain().focus().setTextSelection({ from, to }).run()
      },
      { text, mode },
    )
    if (!found) throw new Error(`"${text}" is not in the document`)
    // Tiptap focuses the editor in the next animation frame, which a busy machine delays: keys typed
    // before it go to the page, not the editor. So wait for the focus too, and for this very selection,
    // judged by its text rather than its positions: others typing earlier in the document move it.
    // A read-only editor cannot take the focus (ProseMirror keeps it contenteditable="false"): what is
    // typed there goes nowhere either way, and tests of viewers type at it on purpose.
    await expect
      .poll(() =>
        this.editor.evaluate(
          (element, length) => {
            type TiptapElement = HTMLElement & {
              editor: {
                isEditable: boolean
                state: { selection: { from: number; to: number }; doc: { textBetween(from: number, to: number): string } }
              }
            }
            const { editor } = element as TiptapElement
            const { selection, doc } = editor.state
            return {
              focused: document.activeElement === element || !editor.isEditable,
              // What a drag would have selected, or (for a caret) the characters just before it.
              text: doc.textBetween(selection.from === selection.to ? Math.max(0, selection.to - length) : selection.from, selection.to),
              collapsed: selection.from === selection.to,
              selected: window.getSelection()?.toString() ?? '',
            }
          },
          text.length,
        ),
      )
      .toEqual({ focused: true, text, collapsed: mode === 'end', selected: mode === 'all' ? text : '' })
  }

  /** Applies a mark or block type from the toolbar to the selection (or to what is typed next). */
  async format(button: FormatButton) {
    await this.toolbar.getByRole('button', { name: button, exact: true }).click()
  }

  /**
   * The document's text without other people's caret labels, which live
   * inside the contenteditable (CollaborationCaret renders them there). Blocks are not separated:
   * see {@link blocks} for that.
   */
  async text(): Promise<string> {
    return (await this.blocks()).join('')
  }

  /** The text of each top-level block (paragraph, heading, list, …), in order, without caret labels. */
  async blocks(): Promise<string[]> {
    return this.editor.evaluate((element) => {
      const clone = element.cloneNode(true) as HTMLElement
      clone.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove())
      return [...clone.children].map((block) => block.textContent ?? '')
    })
  }

  /**
   * Waits until the text contains `expected` (or matches it). It follows
   * progress (e2e/fixtures/progress.ts): while the text still changes it keeps
   * waiting; it fails once the text has stood still for 10 s on a quiet machine
   * (scaled by the machine's pace).
   */
  async expectText(expected: string | RegExp) {
    const matches = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text))
    await waitForProgress({
      read: () => this.text(),
      isDone: matches,
      quietStallMs: 10_000,
      fail: (text) => {
        expect(text, 'the editor shows the text (it stopped changing without it)').toEqual(typeof expected === 'string' ? expect.stringContaining(expected) : expect.stringMatching(expected))
        throw new Error('unreachable: the text does not match')
      },
    })
  }

  /**
   * Presses undo (or redo) one step at a time until `isDone(blocks)`, checking
   * after each step that the document is still one that step could produce
   * (`isAllowed`). One burst of typing can take several undo steps: the Yjs
   * UndoManager closes a step after 500 ms without a keystroke, and a busy
   * machine or other people's edits arriving can stretch a burst past that.
   * A fixed number of presses would race with that; this does not, and it
   * still fails when a step does something no step may (such as touching
   * someone else's text) or when `maxSteps` are not enough.
   */
  async undoUntil(isDone: (blocks: string[]) => boolean, isAllowed: (blocks: string[]) => boolean, { redo = false, maxSteps = 40 } = {}) {
    const shortcut = redo ? 'Control+Shift+z' : 'Control+z'
    let blocks = await this.blocks()
    for (let step = 0; !isDone(blocks); step++) {
      expect(isAllowed(blocks), `after ${step} ${redo ? 'redo' : 'undo'} steps, a document no step may produce: ${JSON.stringify(blocks)}`).toBe(true)
      expect(step, `${redo ? 'redo' : 'undo'} did not get there in ${maxSteps} steps; last: ${JSON.stringify(blocks)}`).toBeLessThan(maxSteps)
      // ProseMirror handles the shortcut synchronously, so the DOM shows the step once the press returns.
      await this.page.keyboard.press(shortcut)
      blocks = await this.blocks()
    }
  }

  /** {@link undoUntil} with redo. */
  async redoUntil(isDone: (blocks: string[]) => boolean, isAllowed: (blocks: string[]) => boolean, options: { maxSteps?: number } = {}) {
    await this.undoUntil(isDone, isAllowed, { ...options, redo: true })
  }

  /** Everyone in the people list, yourself first. */
  async people(): Promise<Person[]> {
    return this.peopleList.locator('[data-person-color]').evaluateAll((labels) =>
      labels.map((label) => {
        const text = label.textContent ?? ''
        return { name: text.replace(/ \(you\)$/, ''), color: label.getAttribute('data-person-color') ?? '', isSelf: text.endsWith(' (you)') }
      }),
    )
  }

  /** Names in the people list, sorted, for comparing with `toEqual`. */
  async peopleNames(): Promise<string[]> {
    return (await this.people()).map((person) => person.name).sort()
  }

  /** Another user's caret in this editor, found by their name (its label). */
  remoteCaret(name: string): Locator {
    return this.editor.locator('.collaboration-carets__caret').filter({ has: this.caretLabel(name) })
  }

  /** Another user's caret label, with their name. */
  caretLabel(name: string): Locator {
    return this.editor.locator('.collaboration-carets__label').filter({ hasText: name })
  }

  /** Every remote caret drawn in this editor, with its label and colour (`#rrggbb`). */
  async remoteCarets(): Promise<RemoteCaret[]> {
    return this.editor.locator('.collaboration-carets__caret').evaluateAll((carets) =>
      carets.map((caret) => {
        const rgb = (caret as HTMLElement).style.borderColor.match(/\d+/g) ?? []
        const color = '#' + rgb.slice(0, 3).map((part) => Number(part).toString(16).padStart(2, '0')).join('')
        return { name: caret.querySelector('.collaboration-carets__label')?.textContent ?? '', color }
      }),
    )
  }

  /**
   * Other people's selections as highlighted here: the selected text and its
   * colour (`#rrggbb`; drawn at reduced opacity).
   */
  async remoteSelections(): Promise<Array<{ text: string; color: string }>> {
    return this.editor.locator('.ProseMirror-yjs-selection').evaluateAll((highlights) => {
      const byColor = new Map<string, string>()
      for (const highlight of highlights) {
        const rgb = (highlight as HTMLElement).style.backgroundColor.match(/[\d.]+/g) ?? []
        const color = '#' + rgb.slice(0, 3).map((part) => Number(part).toString(16).padStart(2, '0')).join('')
        byColor.set(color, (byColor.get(color) ?? '') + (highlight.textContent ?? ''))
      }
      return [...byColor].map(([color, text]) => ({ color, text }))
    })
  }

  async rename(title: string) {
    await this.title.fill(title)
    await this.title.press('Enter')
  }

  async openShareDialog(): Promise<ShareDialog> {
    await this.page.getByRole('button', { name: 'Share' }).click()
    await expect(this.share.root).toBeVisible()
    await expect(this.share.root.getByRole('list', { name: 'People with access' })).toBeVisible()
    return this.share
  }

  async deleteDocument() {
    await this.page.getByRole('button', { name: 'Delete', exact: true }).click()
    await this.page.getByRole('alertdialog').getByRole('button', { name: 'Confirm deletion' }).click()
    await this.page.waitForURL((url) => url.pathname === '/')
  }
}
