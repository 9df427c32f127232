/**
 * A real SMTP server for tests (the `smtp-server` package on a free port)
 * that keeps every message it accepts, so tests read the mail the web app
 * really sent. No authentication, no STARTTLS: a local test server.
 */
import { SMTPServer } from 'smtp-server'
import { freePort } from './ports'

export interface CapturedMail {
  to: string[]
  subject: string
  /** The decoded text/plain part. */
  text: string
  raw: string
}

export class SmtpCapture {
  readonly messages: CapturedMail[] = []
  private server: SMTPServer | null = null
  private waiters: Array<() => void> = []

  constructor(readonly port: number) {}

  /** An SMTP server on a free port (or `port`, to bring a server up where a refused one was). */
  static async start(port?: number): Promise<SmtpCapture> {
    const capture = new SmtpCapture(port ?? (await freePort()))
    await capture.listen()
    return capture
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8')
          this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: decodeSubject(raw), text: textPart(raw), raw })
          for (const wake of this.waiters.splice(0)) wake()
          callback()
        })
      },
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** The first message (already here or yet to come) to `to` matching `match`; rejects after `timeoutMs`. */
  async waitFor(to: string, match: (mail: CapturedMail) => boolean = () => true, timeoutMs = 15_000): Promise<CapturedMail> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.messages.find((m) => m.to.includes(to.toLowerCase()) && match(m))
      if (found) return found
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no mail to ${to} within ${timeoutMs} ms (got ${this.messages.length}: ${this.messages.map((m) => m.subject).join('; ')})`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}

/** The first http(s) link in a message's text. */
export function firstLink(mail: CapturedMail): string {
  const match = /https?:\/\/[^\s<>"]+/.exec(mail.text)
  if (!match) throw new Error(`no link in mail “${mail.subject}”`)
  return match[0]
}

function splitHeaders(raw: string): { headers: string; body: string } {
  const at = raw.search(/\r?\n\r?\n/)
  if (at < 0) return { headers: raw, body: '' }
  return { headers: raw.slice(0, at), body: raw.slice(at).replace(/^\r?\n\r?\n/, '') }
}

function header(headers: string, name: string): string {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ')
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)
  return match ? match[1].trim() : ''
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      ).toString('utf8')
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
    default:
      return body
  }
}

/** The text/plain part of a (possibly multipart/alternative) message, decoded. */
export function textPart(raw: string): string {
  const { headers, body } = splitHeaders(raw)
  const type = header(headers, 'Content-Type')
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const inner = splitHeaders(part.replace(/^\r?\n/, ''))
      if (/^text\/plain/i.test(header(inner.headers, 'Content-Type'))) {
        return decodeBody(inner.body, header(inner.headers, 'Content-Transfer-Encoding'))
      }
    }
    return ''
  }
  return decodeBody(body, header(headers, 'Content-Transfer-Encoding'))
}

/** The Subject, with RFC 2047 encoded words decoded. */
export function decodeSubject(raw: string): string {
  const subject = header(splitHeaders(raw).headers, 'Subject')
  return subject
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeBody(data.replace(/_/g, ' '), 'quoted-printable'),
    )
}
