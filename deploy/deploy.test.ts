/**
 * The deployment files agree with each other: the Dockerfile, the systemd
 * units and the compose file run the same commands with the same settings,
 * and each has what docs/self-hosting.md says it has. (Running them is
 * e2e/deploy.spec.ts's job; this catches one file drifting from the others.)
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../testkit/paths'
import { composeService } from '../testkit/deployment'

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8')
const VARS = { AUTH_SECRET: 'x'.repeat(32), POSTGRES_PASSWORD: 'p', TANDEM_SERVER_NAME: 'example.com' }

/** `Key=value` lines of a unit file, every value of repeated keys. */
function unit(file: string): Map<string, string[]> {
  const entries = new Map<string, string[]>()
  for (const line of read(file).split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line)
    if (match) entries.set(match[1], [...(entries.get(match[1]) ?? []), match[2]])
  }
  return entries
}

/** `Environment=KEY=value` lines of a unit, as an object. */
function unitEnvironment(entries: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries((entries.get('Environment') ?? []).map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]))
}

// proves: DEPLOY-5
describe('deploy/docker-compose.yml', () => {
  const compose = parse(read('deploy/docker-compose.yml'), { merge: true }) as {
    services: Record<string, { image?: string; volumes?: string[]; command?: string[] }>
    volumes: Record<string, unknown>
  }

  it('has nginx, the web app, two sync instances, PostgreSQL and Redis, with named volumes for what they store', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['nginx', 'postgres', 'redis', 'sync-1', 'sync-2', 'web'])
    for (const name of ['sync-1', 'sync-2', 'web', 'postgres']) {
      const named = (compose.services[name].volumes ?? []).map((volume) => volume.split(':')[0])
      expect(named.some((volume) => volume in compose.volumes), `${name} keeps its data in a named volume`).toBe(true)
    }
  })

  it('every instance has the same secret, database, Redis and prefix, and the proxy body limit is MAX_MESSAGE_BYTES', () => {
    const one = composeService('sync-1', VARS).environment
    const two = composeService('sync-2', VARS).environment
    expect(two).toEqual(one)
    expect(one.SYNC_PATH_PREFIX).toBe('/sync')
    expect(composeService('web', VARS).environment.AUTH_SECRET).toBe(one.AUTH_SECRET)
    expect(composeService('web', VARS).environment.DATABASE_URL).toBe(one.DATABASE_URL)
    expect(composeService('nginx', VARS).environment.TANDEM_MAX_BODY).toBe(one.MAX_MESSAGE_BYTES)
  })

  it('refuses to start without the secrets, as compose itself would', () => {
    expect(() => composeService('sync-1', { ...VARS, AUTH_SECRET: '' })).toThrow(/\$\{AUTH_SECRET\} is required/)
  })
})

// proves: DEPLOY-5
describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile')

  it('is multi-stage on node:20-slim, runs as a non-root user, checks /healthz, and runs the sync server by default', () => {
    expect(dockerfile.match(/^FROM node:20-slim AS \w+$/gm)?.length).toBeGreaterThanOrEqual(2)
    expect(dockerfile).toMatch(/^USER tandem$/m)
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*CMD \["node", "scripts\/healthcheck\.mjs"\]/m)
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)
    expect(JSON.parse(cmd![1])).toEqual(composeService('sync-1', VARS).command)
  })
})

// proves: DEPLOY-5
describe('deploy/systemd', () => {
  it('both units: a dedicated user, Restart=on-failure, ProtectSystem=strict, and the data directory the only writable path', () => {
    for (const file of ['deploy/systemd/tandem-sync@.service', 'deploy/systemd/tandem-web.service']) {
      const entries = unit(file)
      expect(entries.get('User'), file).toEqual(['tandem'])
      expect(entries.get('Restart'), file).toEqual(['on-failure'])
      expect(entries.get('ProtectSystem'), file).toEqual(['strict'])
      const dataDir = unitEnvironment(entries).DATA_DIR
      const writable = entries.get('ReadWritePaths') ?? []
      expect(writable.length, file).toBe(1)
      expect(dataDir.startsWith(`${writable[0]}/`), `${file}: DATA_DIR ${dataDir} lies under ReadWritePaths`).toBe(true)
    }
  })

  it('run the compose file’s commands with its settings', () => {
    const sync = unit('deploy/systemd/tandem-sync@.service')
    expect(sync.get('ExecStart')).toEqual([`/usr/bin/${composeService('sync-1', VARS).command.join(' ')}`])
    const syncEnv = unitEnvironment(sync)
    for (const key of ['SYNC_PATH_PREFIX', 'MAX_MESSAGE_BYTES']) expect(syncEnv[key], key).toBe(composeService('sync-1', VARS).environment[key])
    const web = unit('deploy/systemd/tandem-web.service')
    expect(web.get('ExecStart')?.[0]).toMatch(new RegExp(`^/usr/bin/${composeService('web', VARS).command.join(' ')}\\b`))
    const webEnv = unitEnvironment(web)
    for (const key of ['SYNC_URL', 'TRUST_PROXY', 'NODE_ENV']) expect(webEnv[key], key).toBe(composeService('web', VARS).environment[key])
  })
})
