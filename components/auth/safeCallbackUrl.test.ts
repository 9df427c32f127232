import { describe, expect, it } from 'vitest'
import { safeCallbackUrl } from './safeCallbackUrl'

describe('safeCallbackUrl', () => {
  it('keeps paths on this site', () => {
    expect(safeCallbackUrl('/d/abc?x=1')).toBe('/d/abc?x=1')
    expect(safeCallbackUrl(['/s/token'])).toBe('/s/token')
  })

  it('sends anything else home, so sign-in never redirects off-site', () => {
    for (const url of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', undefined, null]) {
      expect(safeCallbackUrl(url)).toBe('/')
    }
  })
})
