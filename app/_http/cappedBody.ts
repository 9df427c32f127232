/**
 * A request's body, read up to `maxBytes`: null as soon as it is larger (by
 * its Content-Length or by what actually arrives), so an oversized body is
 * refused without being held in memory.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Buffer | null> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return null
  const reader = request.body?.getReader()
  if (!reader) return Buffer.alloc(0)
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 403 | 413 | 415; error: string }

/**
 * The JSON body of a browser's same-origin API call. Asking for
 * `application/json` keeps cross-site forms out (they cannot send it without
 * a CORS preflight, which this app never answers), and a browser that says
 * the call is cross-site is refused outright.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  if (request.headers.get('sec-fetch-site') === 'cross-site') return { ok: false, status: 403, error: 'Cross-site requests are refused.' }
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) return { ok: false, status: 415, error: 'Send JSON (content-type: application/json).' }
  const bytes = await readCappedBody(request, maxBytes)
  if (bytes === null) return { ok: false, status: 413, error: `The request is larger than ${maxBytes} bytes.` }
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) }
  } catch {
    return { ok: false, status: 400, error: 'The request is not valid JSON.' }
  }
}
