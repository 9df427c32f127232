/**
 * The shipped deployment, end to end: nginx configured from
 * deploy/nginx/tandem.conf in front of one web app and two sync server
 * instances on PostgreSQL and Redis, each started with the command and
 * environment of deploy/docker-compose.yml (testkit/deployment.ts; only the
 * machine's addresses differ). Real Chromium talks to nginx only.
 *
 * One story, in order: two people edit; the instance one of them is on is
 * killed (SIGKILL) and they are back through nginx on the other within 5 s,
 * nothing lost; it comes back; then scripts/rolling-restart restarts both
 * instances one after the other while both keep typing: nothing lost, no
 * error page.
 *
 * Needs nginx (/usr/sbin/nginx), openssl, PostgreSQL and Redis; skipped with a
 * message where one is missing, except under CI.
 */
import { test, expect, type Browser, type BrowserContext } from '@playwright/test'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { sumOfMetric } from '../testkit/metrics'
import { REPO_ROOT } from '../testkit/paths'
import { freePort } from '../testkit/ports'
import { spawnGroup, type GroupChild } from '../testkit/processGroup'
import { startSyncServerProcess } from '../testkit/syncServerProcess'
import {
  checkNginxSite,
  composeService,
  NGINX_BIN,
  onThisMachine,
  plainHttpVariant,
  renderNginxSite,
  startNginx,
} from '../testkit/deployment'
import { Actor } from './fixtures/actors'
import { expectConverged } from './fixtures/converge'
import { TEST_AUTH_SECRET, TEST_PASSWORD } from './fixtures/env'

const HOST = '127.0.0.1'
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
/** What compose would read from deploy/.env. */
const COMPOSE_VARS = { AUTH_SECRET: TEST_AUTH_SECRET, POSTGRES_PASSWORD: 'unused-here', TANDEM_SERVER_NAME: 'localhost' }

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

async function missingPrerequisite(): Promise<string | null> {
  if (!existsSync(NGINX_BIN)) return `nginx is not installed at ${NGINX_BIN} (apt-get install nginx)`
  if (!(await reachable(POSTGRES_URL, 5432))) return `PostgreSQL is not reachable at ${POSTGRES_URL}`
  if (!(await reachable(REDIS_URL, 6379))) return `Redis is not reachable at ${REDIS_URL}`
  return null
}

async function untilOk(url: string, child: GroupChild | null, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child?.hasExited()) throw new Error(`the process behind ${url} exited`)
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200) return
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in time`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** `tandem_connections` of one instance, read from its own /metrics. */
async function connectionsOn(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://${HOST}:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })).text()
    const connections = sumOfMetric(text, 'tandem_connections')
    // No sample yet: the gauge has had no connection of either transport.
    return Number.isNaN(connections) ? 0 : connections
  } catch {
    return -1
  }
}

/**
 * One sync server instance on a fixed port (nginx's upstream names it), run
 * as compose runs it. Under `supervise`, an instance that exits is started
 * again at once, as systemd or Docker would.
 */
class SyncInstance {
  child: GroupChild | null = null
  supervise = false
  private restarting: Promise<void> | null = null

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly command: string[],
    private readonly pidFile: string,
    private readonly log: WriteStream,
  ) {}

  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // `exec`: the instance's pid is node's own, so SIGTERM from rolling-restart reaches the server.
        const child = await startSyncServerProcess({
          isolateEnv: true,
          env: this.env,
          command: { shell: `exec ${this.command.join(' ')}` },
          output: this.log,
        })
        this.child = child
        writeFileSync(this.pidFile, String(child.pid))
        void child.exited.then(() => {
          if (this.child !== child) return
          this.child = null
          if (this.supervise) this.restarting = this.start().finally(() => (this.restarting = null))
        })
        return
      } catch (error) {
        // Right after a SIGKILL the port may be held a moment longer.
        if (attempt >= 20) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }

  async kill(): Promise<void> {
    const child = this.child
    if (!child) return
    this.child = null
    child.kill('SIGKILL')
    await child.exited
  }

  async stop(): Promise<void> {
    this.supervise = false
    await this.restarting
    const child = this.child
    this.child = null
    if (child) await child.stop(10_000)
  }
}

interface Deployment {
  nginxUrl: string
  webPort: number
  web: GroupChild
  nginx: GroupChild
  sync: [SyncInstance, SyncInstance]
  dir: string
  cleanUp(): Promise<void>
}

async function deploy(dir: string): Promise<Deployment> {
  const tag = `deploy_${process.pid}_${Date.now().toString(36)}`
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  await admin.connect()
  await admin.query(`create schema ${tag}_web`)
  const webDatabase = new URL(POSTGRES_URL)
  webDatabase.searchParams.set('options', `-c search_path=${tag}_web`)

  const [nginxPort, internalPort, redirectPort, webPort, sync1Port, sync2Port] = await Promise.all(Array.from({ length: 6 }, () => freePort()))
  const log = (name: string) => createWriteStream(path.join(dir, `${name}.log`), { flags: 'a' })

  const instances = [
    ['sync-1', sync1Port],
    ['sync-2', sync2Port],
  ].map(([name, port]) => {
    const service = composeService(name as string, COMPOSE_VARS)
    const env = onThisMachine(service, 'sync', {
      HOST,
      PORT: String(port),
      DATA_DIR: path.join(dir, `${name}-data`),
      DATABASE_URL: POSTGRES_URL,
      DATABASE_SCHEMA: `${tag}_sync`,
      REDIS_URL,
      REDIS_PREFIX: `${tag}:`,
    })
    return new SyncInstance(name as string, port as number, env, service.command, path.join(dir, `sync-${port}.pid`), log(name as string))
  }) as [SyncInstance, SyncInstance]
  await Promise.all(instances.map((instance) => instance.start()))

  const nginxUrl = `http://${HOST}:${nginxPort}`
  const webService = composeService('web', COMPOSE_VARS)
  const webEnv = onThisMachine(webService, 'web', {
    PORT: String(webPort),
    DATA_DIR: path.join(dir, 'web-data'),
    DATABASE_URL: webDatabase.toString(),
    SYNC_HTTP_URL: `http://${HOST}:${internalPort}/sync`,
    NEXTAUTH_URL: nginxUrl,
  })
  const [file, ...args] = webService.command
  const web = spawnGroup(file, args, { cwd: REPO_ROOT, env: { ...process.env, ...webEnv }, output: log('web') })

  const nginxService = composeService('nginx', COMPOSE_VARS)
  const site = renderNginxSite(
    onThisMachine(nginxService, 'nginx', {
      TANDEM_SERVER_NAME: 'localhost',
      TANDEM_HTTP_PORT: `${HOST}:${redirectPort}`,
      TANDEM_HTTPS_PORT: `${HOST}:${nginxPort}`,
      TANDEM_INTERNAL_PORT: `${HOST}:${internalPort}`,
      TANDEM_TLS_CERT: '/nonexistent/plain-http-run.pem',
      TANDEM_TLS_KEY: '/nonexistent/plain-http-run.pem',
      TANDEM_WEB: `${HOST}:${webPort}`,
      TANDEM_SYNC_1: `${HOST}:${sync1Port}`,
      TANDEM_SYNC_2: `${HOST}:${sync2Port}`,
    }),
  )
  const nginx = startNginx(path.join(dir, 'nginx'), plainHttpVariant(site), log('nginx'))
  await untilOk(`${nginxUrl}/signin`, web)
  await untilOk(`${nginxUrl}/sync/healthz`, nginx)

  return {
    nginxUrl,
    webPort,
    web,
    nginx,
    sync: instances,
    dir,
    cleanUp: async () => {
      await Promise.allSettled([nginx.stop(5_000), web.stop(5_000), ...instances.map((instance) => instance.stop())])
      await admin.query(`drop schema if exists ${tag}_web cascade`).catch(() => undefined)
      await admin.query(`drop schema if exists ${tag}_sync cascade`).catch(() => undefined)
      await admin.end()
    },
  }
}

/** GET over https, accepting the test's self-signed certificate. */
function httpsGet(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { rejectUnauthorized: false, timeout: 5_000 }, (response) => {
      response.resume()
      response.once('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }))
    })
    request.once('timeout', () => request.destroy(new Error('timeout')))
    request.once('error', reject)
  })
}

async function person(browser: Browser, baseURL: string, label: string, contexts: BrowserContext[]): Promise<Actor> {
  const context = await browser.newContext({ baseURL })
  contexts.push(context)
  const suffix = `${Date.now().toString(36)}${contexts.length}`
  const actor = new Actor(`${label} ${suffix}`, `${label.toLowerCase()}-${suffix}@deploy.test`, TEST_PASSWORD, context, await context.newPage(), HOST)
  await actor.signUp()
  return actor
}

/** Types `text` at the end of the document one key at a time, like a person. */
async function typeSlowly(actor: Actor, text: string): Promise<void> {
  // Both type at the end at once: the caret is placed in the last block, not waited for at the moving end.
  await actor.editor.typeAtEndWhileOthersType(text, { delayMs: 40 })
}

/**
 * Alice and Bob type from alphabets of their own (Alice a–k, Bob n–x: a
 * round's number in letters, then a separator), so however their keys
 * interleave, the letters of one alphabet in the document must be exactly
 * what that person typed: none lost, none doubled, in order.
 */
const spell = (round: number, digits: string, separator: string) =>
  [...String(round)].map((digit) => digits[Number(digit)]).join('') + separator
const aliceWord = (round: number) => spell(round, 'abcdefghij', 'k')
const bobWord = (round: number) => spell(round, 'nopqrstuvw', 'x')

function expectEveryKey(text: string, typed: { alice: string; bob: string }): void {
  expect(text.replace(/[^a-k]/g, ''), "Alice's keys, exactly").toBe(typed.alice)
  expect(text.replace(/[^n-x]/g, ''), "Bob's keys, exactly").toBe(typed.bob)
}

test.describe('the deployment: nginx, one web app, two sync servers, PostgreSQL, Redis', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 })
  let deployment: Deployment
  let skipWhy: string | null = null

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    skipWhy = await missingPrerequisite()
    if (skipWhy) {
      if (process.env.CI) throw new Error(`the deployment test must run under CI: ${skipWhy}`)
      console.warn(`\n!! SKIPPED: the deployment test. ${skipWhy}.\n`)
      return
    }
    const dir = mkdtempSync(path.join(process.env.E2E_RUN_DIR ?? tmpdir(), 'deploy-'))
    deployment = await deploy(dir)
  })

  test.afterAll(async () => {
    if (!deployment) return
    await deployment.cleanUp()
    rmSync(deployment.dir, { recursive: true, force: true })
  })

  // proves: DEPLOY-1
  test('the TLS site passes nginx -t with a self-signed certificate, serves the app over https, redirects http, and its body limit is MAX_MESSAGE_BYTES', async () => {
    test.skip(!!skipWhy, skipWhy ?? '')
    const dir = path.join(deployment.dir, 'tls')
    mkdirSync(dir, { recursive: true })
    const cert = path.join(dir, 'cert.pem')
    const key = path.join(dir, 'key.pem')
    await new Promise<void>((resolve, reject) => {
      const openssl = spawn('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' })
      openssl.once('error', reject)
      openssl.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`openssl exited with ${code}`))))
    })
    const ports = await Promise.all([freePort(), freePort(), freePort()])
    const nginxEnv = onThisMachine(composeService('nginx', COMPOSE_VARS), 'nginx', {
      TANDEM_HTTP_PORT: `${HOST}:${ports[0]}`,
      TANDEM_HTTPS_PORT: `${HOST}:${ports[1]}`,
      TANDEM_INTERNAL_PORT: `${HOST}:${ports[2]}`,
      TANDEM_TLS_CERT: cert,
      TANDEM_TLS_KEY: key,
      TANDEM_WEB: `${HOST}:${deployment.webPort}`,
      TANDEM_SYNC_1: `${HOST}:${deployment.sync[0].port}`,
      TANDEM_SYNC_2: `${HOST}:${deployment.sync[1].port}`,
    })
    const site = renderNginxSite(nginxEnv)
    const check = checkNginxSite(dir, site)
    expect(check.ok, check.output).toBe(true)
    // A key that does not exist must fail the same check: it really read the certificate.
    expect(checkNginxSite(path.join(dir, 'broken'), site.replaceAll(key, path.join(dir, 'missing.pem'))).ok).toBe(false)

    const maxMessageBytes = composeService('sync-1', COMPOSE_VARS).environment.MAX_MESSAGE_BYTES
    expect(maxMessageBytes).toMatch(/^\d+$/)
    const bodySizes = [...site.matchAll(/location (?:~ \^)?\/sync\/[^{]*\{[^}]*?client_max_body_size (\d+);/g)].map((m) => m[1])
    expect(bodySizes.length).toBeGreaterThan(0)
    for (const size of bodySizes) expect(size).toBe(maxMessageBytes)

    // And run as it is: plain http is sent to https; https reaches the web app, which sees X-Forwarded-Proto.
    const nginx = startNginx(path.join(dir, 'running'), site)
    try {
      await expect.poll(() => httpsGet(`https://${HOST}:${ports[1]}/signin`).catch(() => null), { timeout: 15_000 }).toMatchObject({ status: 200 })
      const signin = await httpsGet(`https://${HOST}:${ports[1]}/signin`)
      // The web app adds HSTS only when the request came over https: nginx said so.
      expect(signin.headers['strict-transport-security']).toMatch(/max-age=\d+/)
      const health = await httpsGet(`https://${HOST}:${ports[1]}/sync/healthz`)
      expect(health.status).toBe(200)
      // To the same host on the standard https port (443 in production, where both listen on their defaults).
      const redirect = await fetch(`http://${HOST}:${ports[0]}/d/abc?x=1`, { redirect: 'manual' })
      expect(redirect.status).toBe(301)
      expect(redirect.headers.get('location')).toBe(`https://${HOST}/d/abc?x=1`)
    } finally {
      await nginx.stop(5_000)
    }
  })

  // proves: DEPLOY-2, DEPLOY-3, DEPLOY-4
  test('two people edit through nginx; an instance is SIGKILLed, then both are restarted one by one: nothing lost, no error page', async ({ browser }) => {
    test.skip(!!skipWhy, skipWhy ?? '')
    const { nginxUrl, sync } = deployment
    const contexts: BrowserContext[] = []
    const serverErrors: string[] = []
    try {
      const alice = await person(browser, nginxUrl, 'Alice', contexts)
      const bob = await person(browser, nginxUrl, 'Bob', contexts)
      for (const actor of [alice, bob]) {
        actor.page.on('response', (response) => {
          if (response.status() >= 500) serverErrors.push(`${actor.name}: ${response.status()} ${response.url()}`)
        })
      }

      const documentId = await alice.home.newDocument()
      await alice.editor.waitUntilLive()
      const share = await alice.editor.openShareDialog()
      await share.invite(bob.email, 'Editor')
      await share.close()
      await bob.open(documentId)
      // Through nginx only: the page's sync URL is the page's own origin.
      expect(new URL(alice.page.url()).origin).toBe(nginxUrl)

      const typed = { alice: '', bob: '' }
      const write = async (round: number) => {
        const a = aliceWord(round)
        const b = bobWord(round)
        await Promise.all([typeSlowly(alice, a), typeSlowly(bob, b)])
        typed.alice += a
        typed.bob += b
      }
      for (let round = 1; round <= 3; round++) await write(round)
      await expectConverged([alice, bob])
      await Promise.all([alice.editor.waitUntilSaved(), bob.editor.waitUntilSaved()])
      // Both sockets go through nginx to the instances, Redis joining them.
      await expect.poll(async () => (await connectionsOn(sync[0].port)) + (await connectionsOn(sync[1].port))).toBe(2)

      // ---- SIGKILL the instance (one of) the users is on.
      const victim = (await connectionsOn(sync[0].port)) > 0 ? sync[0] : sync[1]
      const survivor = victim === sync[0] ? sync[1] : sync[0]
      const killedAt = Date.now()
      await victim.kill()
      // Typed during the outage, while one of them (or both) has no server.
      for (let round = 4; round <= 6; round++) await write(round)
      // Both back through nginx, on the other instance, within 5 s of the kill.
      await expect.poll(() => connectionsOn(survivor.port), { timeout: Math.max(0, 5_000 - (Date.now() - killedAt)) }).toBe(2)
      await expect(alice.editor.status).toHaveAttribute('data-sync-status', /^(connected|saved)$/)
      await expect(bob.editor.status).toHaveAttribute('data-sync-status', /^(connected|saved)$/)
      await Promise.all([alice.editor.waitUntilSaved(), bob.editor.waitUntilSaved()])
      expectEveryKey((await expectConverged([alice, bob])).join('\n'), typed)

      // ---- It comes back.
      await victim.start()
      await untilOk(`http://${HOST}:${victim.port}/healthz`, null)

      // ---- Rolling restart of both while both type.
      for (const instance of sync) instance.supervise = true
      const rolling = new Promise<{ code: number | null; output: string }>((resolve) => {
        const chunks: string[] = []
        const script = spawn(path.join(REPO_ROOT, 'scripts/rolling-restart'), sync.map((instance) => String(instance.port)), {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            TANDEM_RESTART: `kill -TERM "$(cat ${path.join(deployment.dir, 'sync-{}.pid')})"`,
            TANDEM_HEALTH: `http://${HOST}:{}`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        script.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
        script.stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
        script.once('exit', (code) => resolve({ code, output: chunks.join('') }))
      })
      let restartDone = false
      void rolling.then(() => (restartDone = true))
      // Each keeps typing numbered words until both instances are back.
      let round = 6
      while (!restartDone || round < 9) {
        round += 1
        await write(round)
        expect(round, 'the rolling restart finishes').toBeLessThan(300)
      }
      const result = await rolling
      expect(result.code, result.output).toBe(0)
      expect(result.output).toContain(`${sync[0].port} is back and healthy`)
      expect(result.output).toContain(`${sync[1].port} is back and healthy`)
      for (const instance of sync) instance.supervise = false

      await Promise.all([alice.editor.waitUntilSaved(), bob.editor.waitUntilSaved()])
      const text = (await expectConverged([alice, bob])).join('\n')
      expectEveryKey(text, typed)

      // Nobody saw an error page: still the editor, live, and no 5xx reached either browser.
      for (const actor of [alice, bob]) {
        expect(new URL(actor.page.url()).pathname).toBe(`/d/${documentId}`)
        await expect(actor.editor.editor).toBeVisible()
        await expect(actor.editor.status).toHaveAttribute('data-sync-status', 'saved')
      }
      expect(serverErrors).toEqual([])

      // And it is stored: a fresh visit after all of that reads it back.
      await bob.reload()
      expect((await bob.editor.blocks()).join('\n')).toBe(text)
    } finally {
      await Promise.allSettled(contexts.map((context) => context.close()))
    }
  })
})
