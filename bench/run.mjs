/**
 * `npm run bench`: every scenario (A–E of issue 6, F, G and H of issue 11, L of issue 12) on every server, N runs,
 * then one table of medians with in-run ratios, the targets, and
 * BENCHMARKS.md. Options:
 *   --quick            1 run instead of 3 (development)
 *   --runs N           N runs
 *   --only A,C         these scenarios only
 *   --servers a,b      these servers only (tandem, hocuspocus, ywebsocket, relay)
 *   --profile          Tandem only, with --cpu-prof (and heap snapshots in C),
 *                      into bench/.out/profiles/
 *   --rerender FILE    no run: the table and report again from a saved
 *                      bench/.out/results-*.json (after a report change)
 * BENCHMARKS.md is written only by a full run (all scenarios and servers, ≥3
 * runs, no profiling); anything else goes to bench/.out/.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { REPO_ROOT, SERVERS, startServer } from './lib/servers.mjs'
import { ensurePeersInstalled } from './lib/setup.mjs'
import { describeMachine } from './lib/machine.mjs'
import { serverVersion } from './lib/version.mjs'
import { loadTrace } from './lib/trace.mjs'
import { loadBigDocument } from './lib/bigDocument.mjs'
import { summarize } from './lib/summary.mjs'
import { median } from './lib/stats.mjs'
import { judgeTargets, judgeWebTargets } from './lib/targets.mjs'
import { consoleTable, failuresText, markdownReport, webFailures, webSection } from './lib/report.mjs'
import * as A from './scenarios/a-fanout.mjs'
import * as B from './scenarios/b-rooms.mjs'
import * as C from './scenarios/c-idle.mjs'
import * as D from './scenarios/d-coldload.mjs'
import * as E from './scenarios/e-presence.mjs'
import * as F from './scenarios/f-joinstorm.mjs'
import * as G from './scenarios/g-crowd.mjs'
import * as H from './scenarios/h-density.mjs'
import * as T from './scenarios/t-http.mjs'
import * as V from './scenarios/v-versions.mjs'
import * as L from './scenarios/l-localcopy.mjs'
import * as N from './scenarios/n-live-events.mjs'
import * as S from './scenarios/s-search.mjs'
import * as W from './scenarios/w-browser.mjs'

const SCENARIOS = { A, B, C, D, E, F, G, H, L, T, V }
/** Scenarios of the web app rather than of a sync server: run once per run, not per server. */
const WEB_SCENARIOS = { N, S, W }
const ALL_SERVERS = ['tandem', 'hocuspocus', 'ywebsocket', 'relay']
const OUT = path.join(REPO_ROOT, 'bench/.out')
const SCENARIO_TIMEOUT_MS = 180_000

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    servers: { type: 'string' },
    profile: { type: 'boolean', default: false },
    rerender: { type: 'string' },
  },
})
const runs = Number(args.runs ?? (args.quick ? 1 : 3))
const requested = args.only ? args.only.toUpperCase().split(',') : [...Object.keys(SCENARIOS), ...Object.keys(WEB_SCENARIOS)]
const scenarioIds = requested.filter((id) => SCENARIOS[id])
const webScenarioIds = requested.filter((id) => WEB_SCENARIOS[id])
const servers = args.profile ? ['tandem'] : args.servers ? args.servers.split(',') : ALL_SERVERS
for (const s of servers) if (!SERVERS[s]) throw new Error(`unknown server ${s}`)
for (const id of requested) if (!SCENARIOS[id] && !WEB_SCENARIOS[id]) throw new Error(`unknown scenario ${id}`)
const full = !args.only && !args.servers && !args.profile && runs >= 3

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function withTimeout(promise, ms, what) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Waits for a heap snapshot that SIGUSR2 asked for: a new file whose size stopped changing. */
async function heapSnapshot(server, dir, name) {
  const before = new Set(readdirSync(dir))
  server.signal('SIGUSR2')
  const deadline = Date.now() + 60_000
  let file = null
  let size = -1
  while (Date.now() < deadline) {
    await sleep(500)
    file ??= readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)) ?? null
    if (!file) continue
    const now = statSync(path.join(dir, file)).size
    if (now > 0 && now === size) break
    size = now
  }
  console.log(`    heap snapshot (${name}): ${file ? path.join(dir, file) : 'none written'}`)
}

async function runOne(id, kind, runIndex) {
  const tag = `${runIndex + 1}-${id}-${kind}`
  const dataDir = path.join(OUT, 'data', tag)
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const startOptions = { dataDir }
  const opts = {}
  if (args.profile) {
    const dir = path.join(OUT, 'profiles', tag)
    mkdirSync(dir, { recursive: true })
    startOptions.cpuProfDir = dir
    if (id === 'C') {
      startOptions.heapSnapshots = dir
      opts.onBaseline = () => heapSnapshot(current, dir, 'before any connection')
      opts.onConnected = () => heapSnapshot(current, dir, 'all connected')
      opts.onClosed = () => heapSnapshot(current, dir, 'all closed')
      opts.onSecondClosed = () => heapSnapshot(current, dir, 'all closed again, after a second cycle')
    }
  }
  let current = await startServer(kind, startOptions)
  opts.restart = async (how) => (current = await current.restart(how, startOptions))
  try {
    const metrics = await withTimeout(SCENARIOS[id].run(current, opts), SCENARIOS[id].timeoutMs ?? SCENARIO_TIMEOUT_MS, `${id} on ${kind}`)
    // Windows (monotonic µs) select a phase in the server's CPU profile: tools/cpuprofile-top.mjs --window.
    if (startOptions.cpuProfDir && metrics.windows) writeFileSync(path.join(startOptions.cpuProfDir, 'windows.json'), JSON.stringify(metrics.windows))
    const { windows, ...figures } = metrics
    return { metrics: figures, windows }
  } catch (error) {
    return { error: error.message.split('\n')[0] + (current.stderr() ? ` [server stderr: ${current.stderr().slice(-300)}]` : '') }
  } finally {
    await current.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function main() {
  const started = Date.now()
  const startedAt = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
  const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`
  const machine = describeMachine()
  const versionBefore = serverVersion()
  ensurePeersInstalled()
  mkdirSync(OUT, { recursive: true })
  if (scenarioIds.includes('D') || scenarioIds.includes('V') || scenarioIds.includes('L') || webScenarioIds.includes('W')) loadTrace()
  // F's 3.9 MB document is built once (a few seconds), outside any scenario's time limit.
  if (scenarioIds.includes('F')) loadBigDocument()

  const results = {}
  // 1-minute load average before each scenario run: how busy the shared machine was.
  const loadSamples = []
  for (let r = 0; r < runs; r++) {
    // Rotate the server order so no server always runs first (or right after a heavy one).
    const order = servers.map((_, i) => servers[(i + r) % servers.length])
    for (const id of scenarioIds) {
      results[id] ??= {}
      for (const kind of order) {
        results[id][kind] ??= []
        // D needs a store; V and L need Tandem itself (version history, the web app), which the others do not have; T declares its servers.
        if ((id === 'D' && !SERVERS[kind].persists) || (id === 'V' && kind !== 'tandem') || (SCENARIOS[id].tandemOnly && kind !== 'tandem') || (SCENARIOS[id].servers && !SCENARIOS[id].servers.includes(kind))) {
          results[id][kind][r] = { skipped: true }
          continue
        }
        const t0 = Date.now()
        loadSamples.push(os.loadavg()[0])
        const result = await runOne(id, kind, r)
        results[id][kind][r] = result
        const secs = ((Date.now() - t0) / 1000).toFixed(1)
        console.log(`[run ${r + 1}/${runs}] ${id} ${SERVERS[kind].label.padEnd(11)} ${secs.padStart(5)} s  ${result.error ? 'FAILED: ' + result.error : JSON.stringify(result.metrics, (_k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))}`)
      }
    }
  }

  // Web app scenarios: one result per run, named by scenario.
  const web = {}
  for (const id of webScenarioIds) {
    web[id] = []
    for (let r = 0; r < runs; r++) {
      const dataDir = path.join(OUT, 'data', `${r + 1}-${id}-web`)
      rmSync(dataDir, { recursive: true, force: true })
      const t0 = Date.now()
      loadSamples.push(os.loadavg()[0])
      try {
        const metrics = await withTimeout(WEB_SCENARIOS[id].run({ dataDir }), SCENARIO_TIMEOUT_MS, `${id} on the web app`)
        // Exact figures (W's bundle sizes) fail the run by themselves; the figures are kept for the report.
        const failed = WEB_SCENARIOS[id].check?.(metrics) ?? null
        web[id].push(failed ? { metrics, error: failed } : { metrics })
        console.log(`[run ${r + 1}/${runs}] ${id} web app     ${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s  ${JSON.stringify(metrics, (_k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))}`)
        if (failed) console.log(`[run ${r + 1}/${runs}] ${id} web app     FAILED: ${failed}`)
      } catch (error) {
        web[id].push({ error: error.message.split('\n')[0] })
        console.log(`[run ${r + 1}/${runs}] ${id} web app     FAILED: ${error.message.split('\n')[0]}`)
      }
    }
  }

  const durationMs = Date.now() - started
  const versionAfter = serverVersion()
  const version = { before: versionBefore.label, after: versionAfter.label, changed: versionBefore.key !== versionAfter.key }
  const data = { startedAt, command, machine, version, loadSamples, durationMs, runs, servers, scenarioIds, full, results, web }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  writeFileSync(path.join(OUT, `results-${stamp}.json`), JSON.stringify(data, null, 1))
  report(data)
}

/** Table, targets and BENCHMARKS.md from one run's data (fresh, or read back by --rerender). */
function report(data) {
  const { startedAt, command, machine, version, loadSamples, durationMs, runs, servers, full, results } = data
  if (version.changed) console.error(`\n*** server/ or lib/ CHANGED during the run: ${version.before} → ${version.after}; Tandem's figures mix versions ***`)
  const rows = summarize(results, servers)
  // Targets whose figures a partial run lacks come out as "not measured".
  const targets = [...(servers.includes('tandem') ? judgeTargets(results) : []), ...judgeWebTargets(data.web ?? {})]
  const syncScenariosRan = data.scenarioIds.length > 0
  if (syncScenariosRan) console.log(`\n${consoleTable(rows, servers)}\n`)
  for (const t of targets) if (syncScenariosRan || (t.web && t.status !== 'not measured')) console.log(`${t.status === 'missed' ? 'MISSED' : t.status}  ${t.id}: ${t.text} — ${t.detail}`)
  const liveSection = webSection(data.web ?? {})
  if (liveSection) console.log(`\n${liveSection}`)
  const failures = [...failuresText(results), ...webFailures(data.web ?? {})]
  if (failures.length) console.error(`\n*** ${failures.length} FAILED scenario runs ***\n${failures.join('\n')}`)

  const load = { min: Math.min(...loadSamples), median: median(loadSamples), max: Math.max(...loadSamples) }
  const md = markdownReport({ rows, servers, targets, machine, load, version, runs, command, startedAt, durationMs, results }) + (liveSection ? `\n${liveSection}` : '')
  const target = full ? path.join(REPO_ROOT, 'BENCHMARKS.md') : path.join(OUT, 'BENCHMARKS.partial.md')
  writeFileSync(target, md)
  console.log(`\nwrote ${path.relative(REPO_ROOT, target)} (${(durationMs / 60000).toFixed(1)} min)`)
  process.exitCode = failures.length ? 1 : 0
}

const entry = args.rerender ? async () => report(JSON.parse(readFileSync(args.rerender, 'utf8'))) : main
entry().catch((error) => {
  console.error(error)
  process.exit(1)
})
