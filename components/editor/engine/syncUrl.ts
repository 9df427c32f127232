/**
 * The sync server's WebSocket URL. SYNC_URL (read on the server at run time
 * and passed down as a prop) wins: a full `ws://`/`wss://` URL, possibly with
 * a path (`wss://example.com/sync`, one origin behind a proxy), or just a path
 * (`/sync`), meaning this page's own origin with `wss://` for https pages.
 * Unset, it is the page's own host on SYNC_PORT.
 */
export function resolveSyncUrl(configured: string | null, port: number, location: Pick<Location, 'protocol' | 'hostname' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  if (configured?.startsWith('/')) return `${scheme}://${location.host}${configured.replace(/\/+$/, '')}`
  if (configured) return configured.replace(/\/+$/, '')
  // An IPv6 hostname already comes bracketed from Location ("[::1]").
  const host = location.hostname
  return `${scheme}://${host}:${port}`
}
