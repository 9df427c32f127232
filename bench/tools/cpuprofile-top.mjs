/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time
 * and by total (inclusive) time, and time by package, so a profile can be read
 * without a browser. Usage:
 *   node bench/tools/cpuprofile-top.mjs FILE [N] [--window NAME]
 * --window keeps only the samples inside a phase the scenario recorded in
 * windows.json beside the profile (steady, burst, cpu, storm, replay, warm,
 * cold): profile stamps and the harness's monotonic clock are the same clock.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { window: { type: 'string' } } })
const [file, nArg] = positionals
const N = Number(nArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8'))
let window = null
if (opts.window) {
  const windowsFile = path.join(path.dirname(file), 'windows.json')
  if (!existsSync(windowsFile)) throw new Error(`no ${windowsFile}`)
  window = JSON.parse(readFileSync(windowsFile, 'utf8'))[opts.window]
  if (!window) throw new Error(`no window ${opts.window} in ${windowsFile}`)
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/work\/main\//, '')
const key = (n) => {
  const f = n.callFrame
  return `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`
}
const pkg = (n) => {
  const url = n.callFrame.url
  if (!url) return n.callFrame.functionName.startsWith('(') ? n.callFrame.functionName : '(native)'
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (m) return m[1]
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0]
  return shortUrl(url).split('/').slice(0, 2).join('/')
}

const self = new Map()
const total = new Map()
const byPkg = new Map()
let all = 0
const { samples, timeDeltas } = profile
let stamp = profile.startTime
for (let i = 0; i < samples.length; i++) {
  const dt = timeDeltas[i] ?? 0
  stamp += dt
  if (window && (stamp < window[0] || stamp > window[1])) continue
  const leaf = byId.get(samples[i])
  all += dt
  self.set(key(leaf), (self.get(key(leaf)) ?? 0) + dt)
  byPkg.set(pkg(leaf), (byPkg.get(pkg(leaf)) ?? 0) + dt)
  const seen = new Set()
  for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id))
    if (seen.has(k)) continue
    seen.add(k)
    total.set(k, (total.get(k) ?? 0) + dt)
  }
}
const idle = self.get('(idle) :0') ?? 0
const busy = all - idle
const pct = (v) => ((100 * v) / busy).toFixed(1).padStart(5) + '%'
const ms = (v) => (v / 1000).toFixed(0).padStart(6) + ' ms'
const top = (map) =>
  [...map]
    .filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(root)') && !k.startsWith('(program)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, N)
console.log(`${file}${window ? ` (window ${opts.window}: ${((window[1] - window[0]) / 1000).toFixed(0)} ms)` : ''}\nsampled ${ms(all)}, busy ${ms(busy)} (idle excluded from %)\n`)
console.log('self time:')
for (const [k, v] of top(self)) console.log(`${ms(v)} ${pct(v)}  ${k}`)
console.log('\ntotal time (inclusive):')
for (const [k, v] of top(total)) console.log(`${ms(v)} ${pct(v)}  ${k}`)
console.log('\nself time by package:')
for (const [k, v] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)} ${pct(v)}  ${k}`)
