import { describe, expect, it } from 'vitest'
import { safeCallbackUrl, safeRedirectUrl } from './safeCallbackUrl'

describe('safeCallbackUrl', () => {
  it('keeps paths on this site', () => {
    expect(safeCallbackUrl('/d/abc?x=1')).toBe('/d/abc?x=1')
    expect(safeCallbackUrl(['/s/token'])).toBe('/s/token')
  })

  it('sends anything else home, so sign-in never redirects off-site', () => {
    for (const url of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', undefined, null, '/' + 'a'.repeat(3000)]) {
      expect(safeCallbackUrl(url)).toBe('/')
    }
  })

  // Each of these, handed to `location.assign` or a Location header, leaves this
  // site in some browser, or is a scheme, or hides one of those under encodings.
  const KNOWN_BYPASSES = [
    // Tabs and newlines are dropped by the URL parser: `/\t/x` becomes `//x`.
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r/evil.example',
    '/\r\n/evil.example',
    '/%09/evil.example',
    '/%0a/evil.example',
    '/%0A/evil.example',
    '/%0d/evil.example',
    '/%0D%0A/evil.example',
    // Other C0 controls and DEL: no path of ours has them.
    '/\u0000/evil.example',
    '/%00/evil.example',
    '/%1f/evil.example',
    '/%7f/evil.example',
    '/\u007f/evil.example',
    // Backslashes read as slashes.
    '/\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '/%5C%5Cevil.example',
    // Protocol-relative, plain and encoded, once and twice.
    '//evil.example',
    '///evil.example',
    '/%2F/evil.example',
    '/%2fevil.example',
    '%2F%2Fevil.example',
    '/%252F/evil.example',
    '/%25252F/evil.example',
    '/%2509/evil.example',
    '/%255Cevil.example',
    // Schemes and absolute URLs.
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'http://evil.example',
    'https:evil.example',
    'https:/evil.example',
    'http:\\\\evil.example',
    '%6Aavascript:alert(1)',
    // Not a path at all, or a broken one.
    'evil.example',
    '.evil.example',
    '@evil.example',
    ' /d/abc',
    '/%',
    '/%zz',
    '/%E0%A4%A',
  ]

  it.each(KNOWN_BYPASSES)('refuses %j', (url) => {
    expect(safeCallbackUrl(url)).toBe('/')
  })

  const GOOD_PATHS = [
    '/',
    '/d/abc',
    '/d/Ab-_09xyzXYZ12345',
    '/d/abc?x=1&y=2',
    '/d/abc#section',
    '/s/kV3d_-x9QmT0aZ4bc1DeFg',
    '/signin?callbackUrl=%2Fd%2Fabc',
    '/?q=a%20b',
    '/d/abc?next=/d/def',
    '/d/caf%C3%A9',
  ]

  it.each(GOOD_PATHS)('keeps %j', (url) => {
    expect(safeCallbackUrl(url)).toBe(url)
  })

  describe("next-auth's redirect callback", () => {
    const base = 'https://app.example'
    it.each(GOOD_PATHS)('keeps %j, as a path or as an absolute URL on this site', (path) => {
      expect(safeRedirectUrl(path, base)).toBe(base + path)
      expect(safeRedirectUrl(base + path, base)).toBe(base + path)
    })
    it.each([...KNOWN_BYPASSES, base, `${base}.evil.example/`, `${base}@evil.example/`, `${base}//evil.example`, `${base}/%09/evil.example`])(
      'sends %j home',
      (url) => {
        expect(safeRedirectUrl(url, base)).toBe(`${base}/`)
      },
    )
  })
})
