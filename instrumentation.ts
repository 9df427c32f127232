/**
 * Runs once when the web app's server starts (Next.js's instrumentation hook).
 * It installs the hook that stamps each request with its TCP peer's address,
 * which sign-in throttling counts against (app/_http/peerAddress.ts).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { installPeerAddressHook } = await import('./app/_http/peerAddress')
  installPeerAddressHook()
}
