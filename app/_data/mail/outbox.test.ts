import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { testDatabaseKinds } = await import('../../../testkit/appDb')
const { freePort } = await import('../../../testkit/ports')
const { SmtpCapture, firstLink, textPart } = await import('../../../testkit/smtpCapture')
const { deliverDue, enqueueMail, retryDelayMs, FIRST_RETRY_MS, LONGEST_RETRY_MS } = await import('./outbox')
const { fileTransport, smtpTransport } = await import('./transport')
const { verificationMessage } = await import('./messages')

function memoryLog() {
  const lines: string[] = []
  return { lines, info: (line: string) => lines.push(`info ${line}`), warn: (line: string) => lines.push(`warn ${line}`) }
}

describe('retryDelayMs', () => {
  it('doubles from the first retry and stops growing at the longest', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([FIRST_RETRY_MS, 2 * FIRST_RETRY_MS, 4 * FIRST_RETRY_MS, 8 * FIRST_RETRY_MS])
    expect(retryDelayMs(40)).toBe(LONGEST_RETRY_MS)
  })
})

describe.each(await testDatabaseKinds())('outbox ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  const servers: InstanceType<typeof SmtpCapture>[] = []
  beforeEach(async () => {
    t = await kind.create()
  })
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()))
    await t.cleanup()
  })

  const message = (to = 'ada@example.test') => verificationMessage(to, 'Ada <script>', 'http://tandem.test/verify?token=abc123')
  const queued = async () => t.db.selectFrom('outbox').selectAll().execute()

  it('hands a queued message to a real SMTP server, in text and HTML, and forgets it once sent', async () => {
    const smtp = await SmtpCapture.start()
    servers.push(smtp)
    const transport = smtpTransport(smtp.url, 'Tandem <no-reply@tandem.test>')
    await enqueueMail(t.db, message())
    const log = memoryLog()
    expect(await deliverDue(t.db, transport, log)).toEqual({ sent: 1, failed: 0, dropped: 0 })
    transport.close()

    const mail = await smtp.waitFor('ada@example.test')
    expect(mail.subject).toBe('Confirm your email for Tandem')
    expect(firstLink(mail)).toBe('http://tandem.test/verify?token=abc123')
    expect(mail.raw).toMatch(/Content-Type: text\/html/i)
    expect(mail.raw).toContain('Ada &lt;script&gt;') // the HTML escapes what users typed
    expect(mail.raw).toMatch(/^From: Tandem <no-reply@tandem\.test>/m)
    expect(await queued()).toEqual([])
    expect(log.lines).toEqual(['info mail to ada@example.test (“Confirm your email for Tandem”) sent'])
  })

  it('keeps a message while the SMTP server refuses connections, retries with backoff and delivers it once it is up', async () => {
    const port = await freePort()
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`, 'Tandem <no-reply@tandem.test>')
    const start = Date.now()
    await enqueueMail(t.db, message('first@example.test'), start)
    await enqueueMail(t.db, message('second@example.test'), start)
    const log = memoryLog()

    expect(await deliverDue(t.db, transport, log, start)).toMatchObject({ sent: 0, failed: 2 })
    let rows = await queued()
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row.attempts).toBe(1)
      expect(Date.parse(row.next_attempt_at)).toBe(start + FIRST_RETRY_MS)
      expect(row.last_error).toMatch(/ECONNREFUSED/)
    }
    expect(log.lines.filter((l) => l.startsWith('warn'))).toHaveLength(2)

    // Not due yet: nothing is tried.
    expect(await deliverDue(t.db, transport, log, start + FIRST_RETRY_MS - 1)).toEqual({ sent: 0, failed: 0, dropped: 0 })
    // Still refused at the first retry: the next wait doubles.
    expect(await deliverDue(t.db, transport, log, start + FIRST_RETRY_MS)).toMatchObject({ failed: 2 })
    rows = await queued()
    expect(rows.map((r) => Date.parse(r.next_attempt_at))).toEqual([start + 3 * FIRST_RETRY_MS, start + 3 * FIRST_RETRY_MS])

    const smtp = await SmtpCapture.start(port)
    servers.push(smtp)
    expect(await deliverDue(t.db, transport, log, start + 3 * FIRST_RETRY_MS)).toMatchObject({ sent: 2, failed: 0 })
    transport.close()
    await smtp.waitFor('first@example.test')
    await smtp.waitFor('second@example.test')
    expect(smtp.messages).toHaveLength(2)
    expect(await queued()).toEqual([])
  })

  it('sends a message once when two processes deliver at the same moment', async () => {
    const smtp = await SmtpCapture.start()
    servers.push(smtp)
    const a = smtpTransport(smtp.url, 'a@tandem.test')
    const b = smtpTransport(smtp.url, 'b@tandem.test')
    await enqueueMail(t.db, message())
    const now = Date.now()
    const rounds = await Promise.all([deliverDue(t.db, a, memoryLog(), now), deliverDue(t.db, b, memoryLog(), now)])
    a.close()
    b.close()
    expect(rounds.reduce((sum, r) => sum + r.sent, 0)).toBe(1)
    await smtp.waitFor('ada@example.test')
    expect(smtp.messages).toHaveLength(1)
  })

  it('without SMTP writes an .eml file only its owner can read, and logs one line with the link', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'tandem-outbox-')), 'outbox')
    try {
      await enqueueMail(t.db, message())
      const log = memoryLog()
      expect(await deliverDue(t.db, fileTransport(dir, 'Tandem <no-reply@localhost>'), log)).toMatchObject({ sent: 1 })
      const files = readdirSync(dir)
      expect(files).toHaveLength(1)
      expect(files[0]).toMatch(/\.eml$/)
      expect(statSync(path.join(dir, files[0])).mode & 0o777).toBe(0o600)
      const eml = readFileSync(path.join(dir, files[0]), 'utf8')
      expect(eml).toMatch(/^To: ada@example\.test$/m)
      expect(textPart(eml)).toContain('Confirm my email: http://tandem.test/verify?token=abc123')
      expect(log.lines).toEqual([
        'info mail to ada@example.test (“Confirm your email for Tandem”) written to the outbox directory: http://tandem.test/verify?token=abc123',
      ])
      expect(await queued()).toEqual([])
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true })
    }
  })
})
