/**
 * The shipped deployment, run on this machine: each service's command and
 * environment come from deploy/docker-compose.yml, nginx's site from
 * deploy/nginx/tandem.conf. Only what is bound to the machine differs
 * (addresses, ports, data directories, and the schema or key prefix that keep
 * a test apart on shared PostgreSQL and Redis): {@link MACHINE_VARIABLES}
 * names them, and overriding anything else is refused, so the test cannot
 * drift from what the compose file runs.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from './paths'
import { spawnGroup, type GroupChild } from './processGroup'

export const COMPOSE_FILE = path.join(REPO_ROOT, 'deploy/docker-compose.yml')
export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'deploy/nginx/tandem.conf')
export const NGINX_BIN = '/usr/sbin/nginx'

/** Per service, the variables that say where things are on this machine rather than how Tandem runs. */
export const MACHINE_VARIABLES: Record<string, readonly string[]> = {
  sync: ['HOST', 'PORT', 'DATA_DIR', 'DATABASE_URL', 'DATABASE_SCHEMA', 'REDIS_URL', 'REDIS_PREFIX'],
  web: ['PORT', 'DATA_DIR', 'DATABASE_URL', 'SYNC_HTTP_URL', 'NEXTAUTH_URL'],
  nginx: [
    'TANDEM_SERVER_NAME',
    'TANDEM_HTTP_PORT',
    'TANDEM_HTTPS_PORT',
    'TANDEM_INTERNAL_PORT',
    'TANDEM_TLS_CERT',
    'TANDEM_TLS_KEY',
    'TANDEM_WEB',
    'TANDEM_SYNC_1',
    'TANDEM_SYNC_2',
  ],
}

export interface ComposeService {
  command: string[]
  environment: Record<string, string>
}

/**
 * Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}` against `vars`;
 * a required one that is missing throws, as `docker compose` would refuse.
 */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    const set = vars[name]
    if (set !== undefined && set !== '') return set
    if (kind === '-') return rest ?? ''
    throw new Error(`${COMPOSE_FILE}: \${${name}} is required (${rest ?? 'no default'})`)
  })
}

/** One service of the compose file, merge keys resolved and `${…}` filled from `vars`. */
export function composeService(name: string, vars: Record<string, string>): ComposeService {
  const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string | number> }>
  }
  const service = compose.services[name]
  if (!service) throw new Error(`${COMPOSE_FILE} has no service ${name}`)
  const environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), vars)]))
  return { command: (service.command ?? []).map((part) => interpolate(part, vars)), environment }
}

/**
 * A service's environment with this machine's addresses put in. Throws when
 * `machine` names a variable outside {@link MACHINE_VARIABLES} for `kind`.
 */
export function onThisMachine(service: ComposeService, kind: keyof typeof MACHINE_VARIABLES, machine: Record<string, string>): Record<string, string> {
  for (const key of Object.keys(machine)) {
    if (!MACHINE_VARIABLES[kind].includes(key)) throw new Error(`${key} is how the ${kind} service runs, not where: take it from the compose file`)
  }
  return { ...service.environment, ...machine }
}

/** The nginx site, its `${TANDEM_…}` placeholders filled from `env` (as the nginx image's envsubst does). */
export function renderNginxSite(env: Record<string, string>): string {
  const site = readFileSync(NGINX_TEMPLATE, 'utf8').replace(/\$\{(TANDEM_[A-Z0-9_]+)\}/g, (_all, name: string) => {
    const value = env[name]
    if (value === undefined || value === '') throw new Error(`the nginx template needs ${name}`)
    return value
  })
  return site
}

/** The top-level `server { … }` blocks of a site, with where each starts and ends. */
function serverBlocks(site: string): Array<{ start: number; end: number; text: string }> {
  const blocks: Array<{ start: number; end: number; text: string }> = []
  const opener = /^server\s*\{/gm
  for (let match = opener.exec(site); match; match = opener.exec(site)) {
    let depth = 0
    let index = match.index
    for (; index < site.length; index++) {
      if (site[index] === '{') depth++
      else if (site[index] === '}' && --depth === 0) break
    }
    blocks.push({ start: match.index, end: index + 1, text: site.slice(match.index, index + 1) })
  }
  return blocks
}

/**
 * The same site over plain HTTP, for a test without a certificate: the
 * redirect server is left out and the TLS server listens without TLS, with
 * every location exactly as shipped.
 */
export function plainHttpVariant(site: string): string {
  let out = site
  for (const block of serverBlocks(site).reverse()) {
    let replacement = block.text
    if (/return 301 https:/.test(block.text)) replacement = ''
    else if (/\blisten\s+\S+\s+ssl\b/.test(block.text)) {
      replacement = block.text.replace(/(\blisten\s+\S+)\s+ssl(?:\s+http2)?;/, '$1;').replace(/^\s*ssl_[a-z_]+\s[^;]*;\n/gm, '')
    }
    out = out.slice(0, block.start) + replacement + out.slice(block.end)
  }
  return out
}

/** A main nginx.conf around `site`, everything (pid, logs, temp files) inside `dir`. */
function mainConfig(dir: string, site: string): string {
  const sitePath = path.join(dir, 'tandem.conf')
  writeFileSync(sitePath, site)
  for (const sub of ['logs', 'temp']) mkdirSync(path.join(dir, sub), { recursive: true })
  const temp = (name: string) => path.join(dir, 'temp', name)
  // As root, workers would run as nobody and could not enter a 0700 temp directory.
  const user = process.getuid?.() === 0 ? 'user root;\n' : ''
  const conf = `${user}worker_processes 1;
daemon off;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'logs/error.log')} info;
events { worker_connections 1024; }
http {
  access_log ${path.join(dir, 'logs/access.log')};
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  include ${sitePath};
}
`
  const confPath = path.join(dir, 'nginx.conf')
  writeFileSync(confPath, conf)
  return confPath
}

/** `nginx -t` on `site`: whether it is valid, and what nginx said. */
export function checkNginxSite(dir: string, site: string): { ok: boolean; output: string } {
  mkdirSync(dir, { recursive: true })
  const conf = mainConfig(dir, site)
  const result = spawnSync(NGINX_BIN, ['-t', '-p', dir, '-e', path.join(dir, 'logs/error.log'), '-c', conf], { encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}

/** nginx in the foreground, in its own process group, serving `site`; stop it with `stop()`. */
export function startNginx(dir: string, site: string, output?: NodeJS.WritableStream): GroupChild {
  mkdirSync(dir, { recursive: true })
  const conf = mainConfig(dir, site)
  return spawnGroup(NGINX_BIN, ['-p', dir, '-e', path.join(dir, 'logs/error.log'), '-c', conf], { cwd: dir, env: process.env, output })
}
