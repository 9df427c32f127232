/**
 * Where to go after signing in: only a path on this site, so a crafted
 * `?callbackUrl=https://evil.example` can't send people elsewhere.
 */
export function safeCallbackUrl(value: string | string[] | undefined | null): string {
  const url = Array.isArray(value) ? value[0] : value
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return '/'
  return url
}
