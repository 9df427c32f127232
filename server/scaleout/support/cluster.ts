/**
 * Scale-out test harness: several sync server instances sharing one
 * PostgreSQL schema and one Redis key prefix (both unique per test), and a
 * `redis-server` of the test's own for failure tests. Builds on the
 * integration harness in ../../test/harness.ts (teardown, clients, polling).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import pg from 'pg'
import { Redis } from 'ioredis'
import pino from 'pino'
import { RedisFanout } from '../../fanout/RedisFanout'
import { openPostgresStore, type PostgresStore } from '../../persistence/PostgresStore'
import type { ServerLimits } from '../../options'
import { SyncServer } from '../../SyncServer'
import { expect } from 'vitest'
import { defer, eventually, freePort, makeToken, sleep, syncedClient, type StockClient, type TokenClaims } from '../../test/harness'
import { postgresTestUrl, redisTestUrl } from '../../../testkit/services'

export interface Instance {
  readonly name: string
  readonly wsUrl: string
  readonly httpUrl: string
  readonly server: SyncServer
  readonly store: PostgresStore
  readonly fanout: RedisFanout
  stop(): Promise<void>
}

export interface Cluster {
  readonly secret: string
  readonly schema: string
  readonly prefix: string
  readonly redisUrl: string
  readonly instances: Instance[]
  token(claims: TokenClaims, opts?: { expiresInSeconds?: number; issuedAt?: number }): Promise<string>
  /** Starts one more instance on the same database and Redis. */
  addInstance(overrides?: { redisUrl?: string; databaseUrl?: string }): Promise<Instance>
  /** Update rows stored for a document (to prove nothing is stored twice). */
  storedRowCount(docId: string): Promise<number>
  /** Redis channels this cluster has subscribed right now. */
  subscribedChannels(): Promise<string[]>
}

export interface ClusterOptions {
  instances: number
  redisUrl?: string
  limits?: Partial<ServerLimits>
  /** SYNC_PATH_PREFIX of every instance (none by default). */
  pathPrefix?: string
}

/** A fresh schema name and Redis prefix per cluster, so tests run in parallel and repeat without clean-up. */
function uniqueName(kind: string): string {
  return `${kind}_${process.pid}_${randomBytes(4).toString('hex')}`
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const secret = randomBytes(24).toString('base64url')
  const schema = uniqueName('scaleout')
  const prefix = `${uniqueName('t')}:`
  const redisUrl = options.redisUrl ?? redisTestUrl()
  const instances: Instance[] = []
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

  defer(async () => {
    const client = new pg.Client({ connectionString: postgresTestUrl() })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
  })

  const addInstance = async (overrides: { redisUrl?: string; databaseUrl?: string } = {}): Promise<Instance> => {
    const name = String.fromCharCode(65 + instances.length)
    const store = await openPostgresStore({ connectionString: overrides.databaseUrl ?? postgresTestUrl(), schema, poolSize: 4 })
    const fanout = new RedisFanout({ url: overrides.redisUrl ?? redisUrl, prefix, log: log.child({ instance: name }) })
    await fanout.ready()
    const server = new SyncServer({ authSecret: secret, store, fanout, limits: options.limits, pathPrefix: options.pathPrefix, log: log.child({ instance: name }) })
    const { port } = await server.listen(0, '127.0.0.1')
    let stopped = false
    const instance: Instance = {
      name,
      wsUrl: `ws://127.0.0.1:${port}`,
      httpUrl: `http://127.0.0.1:${port}`,
      server,
      store,
      fanout,
      stop: async () => {
        if (stopped) return
        stopped = true
        await server.stop()
      },
    }
    defer(() => instance.stop())
    instances.push(instance)
    return instance
  }

  for (let i = 0; i < options.instances; i++) await addInstance()

  return {
    secret,
    schema,
    prefix,
    redisUrl,
    instances,
    token: (claims, opts) => makeToken(secret, claims, opts),
    addInstance,
    storedRowCount: async (docId) => {
      const client = new pg.Client({ connectionString: postgresTestUrl() })
      await client.connect()
      try {
        const result = await client.query<{ count: string }>(`SELECT count(*) FROM "${schema}".doc_updates WHERE doc_id = $1`, [docId])
        return Number(result.rows[0].count)
      } finally {
        await client.end()
      }
    },
    subscribedChannels: async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true })
      await redis.connect()
      try {
        return await redis.pubsub('CHANNELS', `${prefix}*`) as string[]
      } finally {
        redis.disconnect()
      }
    },
  }
}

/** A redis-server of the test's own, on a free port, that the test may stop and start again. */
export interface OwnRedis {
  readonly url: string
  readonly port: number
  stop(): Promise<void>
  start(): Promise<void>
  /** Drops every client connection (Redis stays up): a network blip. */
  killClients(): Promise<void>
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  let child: ChildProcess | null = null
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    await eventually(
      async () => {
        const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
        redis.on('error', () => {})
        try {
          await redis.connect()
          await redis.ping()
        } finally {
          redis.disconnect()
        }
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    )
  }
  const stop = async () => {
    const running = child
    child = null
    if (!running || running.exitCode !== null) return
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGKILL')
    await exited
  }
  await start()
  defer(stop)
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    killClients: async () => {
      const redis = new Redis({ port, host: '127.0.0.1' })
      try {
        const list = (await redis.client('LIST')) as string
        const me = await redis.client('ID')
        for (const line of list.split('\n')) {
          const id = /\bid=(\d+)/.exec(line)?.[1]
          if (id && Number(id) !== me) await redis.client('KILL', 'ID', id)
        }
      } finally {
        redis.disconnect()
      }
    },
  }
}

/** A TCP proxy to PostgreSQL that a test can cut, to make the database unreachable for one instance. */
export interface CuttableProxy {
  readonly url: string
  cut(): void
  restore(): void
}

export async function startPostgresProxy(): Promise<CuttableProxy> {
  const target = new URL(postgresTestUrl())
  const sockets = new Set<net.Socket>()
  let open = true
  const server = net.createServer((client) => {
    if (!open) return client.destroy()
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const drop = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.address() as net.AddressInfo).port
  defer(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => server.close(resolve))
  })
  const url = new URL(target.toString())
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return {
    url: url.toString(),
    cut: () => {
      open = false
      for (const socket of sockets) socket.destroy()
    },
    restore: () => {
      open = true
    },
  }
}

/** Every client shows the same text, and it contains every word. */
export function expectConverged(clients: StockClient[], words: string[]): void {
  const first = clients[0].text()
  for (const client of clients) expect(client.text()).toBe(first)
  for (const word of words) expect(first).toContain(word)
}

/** Ann on instance A and Bob on instance B, both synced on one new room. */
export async function annAndBob(cluster: Cluster, room: string): Promise<{ onA: StockClient; onB: StockClient }> {
  const [a, b] = cluster.instances
  const onA = await syncedClient(a, room, await cluster.token({ doc: room, sub: 'ann' }))
  const onB = await syncedClient(b, room, await cluster.token({ doc: room, sub: 'bob' }))
  return { onA, onB }
}

export { sleep }
