/**
 * The real PostgreSQL and Redis that scale-out tests use. Where one is not
 * running, those tests are skipped with a loud message saying why, except
 * under CI (CI=true) or TANDEM_REQUIRE_SERVICES=1, where a missing service
 * fails the run: CI must never pass by skipping them.
 */
import net from 'node:net'
import { describe } from 'vitest'

export function postgresTestUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
}

export function redisTestUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
}

const SERVICES = {
  postgres: () => new URL(postgresTestUrl()),
  redis: () => new URL(redisTestUrl()),
} as const
export type ServiceName = keyof typeof SERVICES

function canConnect(url: URL, defaultPort: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || defaultPort) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

const mustRun = () => process.env.CI === 'true' || process.env.CI === '1' || process.env.TANDEM_REQUIRE_SERVICES === '1'

/** Resolves to whether the service answers; under CI, rejects when it does not. */
export async function serviceAvailable(name: ServiceName): Promise<boolean> {
  const url = SERVICES[name]()
  const ok = await canConnect(url, name === 'postgres' ? 5432 : 6379)
  if (ok) return true
  const why = `${name} is not reachable at ${url.host}`
  if (mustRun()) throw new Error(`${why}: these tests must run under CI; start ${name} or point TEST_${name === 'postgres' ? 'DATABASE' : 'REDIS'}_URL at one`)
  console.warn(
    `\n${'!'.repeat(72)}\n!! SKIPPED: ${name} tests. ${why}.\n!! Start it or set TEST_${name === 'postgres' ? 'DATABASE' : 'REDIS'}_URL to run them.\n${'!'.repeat(72)}\n`,
  )
  return false
}

/** `describe` that runs only where every named service answers (see above). */
export async function describeWithServices(names: ServiceName[], title: string, body: () => void): Promise<void> {
  const available = (await Promise.all(names.map(serviceAvailable))).every(Boolean)
  describe.skipIf(!available)(title, body)
}
