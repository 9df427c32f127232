/** The server's HTTP side, as a test sees it: raw calls, the stored document, and /metrics. */
import * as Y from 'yjs'
import { sumOfMetric } from '../../../testkit/metrics'
import type { TokenClaims, TokenOptions } from './tokens'

export interface HttpAddress {
  httpUrl: string
}

export interface TokenIssuer {
  token(claims: TokenClaims, opts?: TokenOptions): Promise<string>
}

export async function api(
  server: HttpAddress,
  method: string,
  urlPath: string,
  opts: { token?: string | null; body?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; bytes: Uint8Array; text: string }> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body instanceof Uint8Array && !headers['content-type']) headers['content-type'] = 'application/octet-stream'
  if (typeof opts.body === 'string' && !headers['content-type']) headers['content-type'] = 'application/json'
  const res = await fetch(server.httpUrl + urlPath, { method, headers, body: opts.body as BodyInit | undefined })
  const bytes = new Uint8Array(await res.arrayBuffer())
  return { status: res.status, headers: res.headers, bytes, text: Buffer.from(bytes).toString('utf8') }
}

/** The server's current text of `room`, through GET /docs/<id>/update with a fresh read token. */
export async function serverText(server: HttpAddress & TokenIssuer, room: string, name = 'text'): Promise<string> {
  return (await serverDocument(server, room)).getText(name).toString()
}

export async function serverDocument(server: HttpAddress & TokenIssuer, room: string): Promise<Y.Doc> {
  const token = await server.token({ doc: room, sub: 'inspector', access: 'read' })
  const res = await api(server, 'GET', `/docs/${room}/update`, { token })
  if (res.status !== 200) throw new Error(`GET update for ${room}: ${res.status} ${res.text}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, res.bytes)
  return doc
}

export { parseMetrics, sumOfMetric, type MetricSample } from '../../../testkit/metrics'

/** Sum of every sample named exactly `name` (all label sets). */
export async function metric(server: HttpAddress, name: string): Promise<number> {
  const res = await api(server, 'GET', '/metrics')
  if (res.status !== 200) throw new Error(`/metrics: ${res.status}`)
  const sum = sumOfMetric(res.text, name)
  if (Number.isNaN(sum)) throw new Error(`metric ${name} missing`)
  return sum
}
