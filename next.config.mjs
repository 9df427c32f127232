/**
 * Headers every response gets, static files included. The per-request ones
 * (Content-Security-Policy with its nonce, Strict-Transport-Security on https)
 * are set in proxy.ts.
 */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  // The CSP's frame-ancestors 'none' says the same to browsers that read CSP; this is for those that don't.
  { key: 'X-Frame-Options', value: 'DENY' },
]

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons: loaded by Node at run time, never bundled. Yjs too: one copy per process, not one per
  // route bundle (it warns "Yjs was already imported", and its instanceof checks fail across copies).
  serverExternalPackages: ['better-sqlite3', '@node-rs/argon2', 'yjs'],
  // No "X-Powered-By: Next.js": nothing to gain from telling.
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }]
  },
}

export default nextConfig
