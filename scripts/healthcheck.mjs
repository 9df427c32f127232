// The image's HEALTHCHECK (the slim base has no curl): exits 0 when the URL
// answers 2xx within 4 s, 1 otherwise. Default: this container's sync server,
// http://127.0.0.1:$PORT/healthz (PORT defaulting to 1234, as the server does).
//   node scripts/healthcheck.mjs [url]
const url = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT || 1234}/healthz`
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4_000), redirect: 'manual' })
  process.exit(response.status >= 200 && response.status < 300 ? 0 : 1)
} catch {
  process.exit(1)
}
