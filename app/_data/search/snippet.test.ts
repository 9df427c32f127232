import { describe, expect, it } from 'vitest'
import { textSnippet } from './snippet'

describe('textSnippet', () => {
  it('marks every word the terms start, case and accents folded, around the first match', () => {
    const text = 'one two three four five six Crème brûlée seven eight cremeux nine ten eleven twelve thirteen fourteen fifteen sixteen'
    const parts = textSnippet(text, ['creme'], 8)
    expect(parts[0]).toEqual({ text: '…three four five six ', match: false })
    expect(parts.filter((part) => part.match).map((part) => part.text)).toEqual(['Crème'])
    expect(parts.map((part) => part.text).join('')).toBe('…three four five six Crème brûlée seven eight…')
  })

  it('opens with the first words when the text holds no match (the title did)', () => {
    expect(textSnippet('alpha beta gamma', ['zeta'], 2)).toEqual([{ text: 'alpha beta…', match: false }])
    expect(textSnippet('', ['zeta'])).toEqual([])
  })
})
