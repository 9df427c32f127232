/**
 * The targets of issues 6, 11 and 12 for Tandem, judged from the same runs as the table: each
 * comparison is a ratio taken inside one run, and its median over runs.
 * "Best peer" means the better of Hocuspocus and y-websocket (the relay is a
 * floor, not a peer).
 */
import { median } from './stats.mjs'

function values(results, scenario, server, key) {
  const runs = results[scenario]?.[server]
  if (!runs || runs.some((r) => r.error)) return null
  return runs.map((r) => r.metrics[key])
}

/** Median over runs of f(run index); null when a needed server failed or was not measured. */
function perRun(results, scenario, key, f) {
  const t = values(results, scenario, 'tandem', key)
  const h = values(results, scenario, 'hocuspocus', key)
  const y = values(results, scenario, 'ywebsocket', key)
  if (!t) return null
  const out = t.map((tv, i) => f(tv, h?.[i], y?.[i])).filter(Number.isFinite)
  return out.length ? median(out) : null
}

const fmt = (x, d = 2) => (x === null || !Number.isFinite(x) ? 'n/a' : x.toFixed(d))

export function judgeTargets(results) {
  const out = []
  // A target whose figures were not measured in this run (a partial run) is neither met nor missed.
  const add = (id, text, value, met, detail) =>
    out.push({ id, text, value, met, detail, status: value === null ? 'not measured' : met ? 'met' : 'missed' })

  const burst = perRun(results, 'A', 'burstRate', (t, h) => t / h)
  add('A burst', 'burst delivery ≥ 1.5× Hocuspocus', burst, burst !== null && burst >= 1.5, `Tandem ÷ Hocuspocus = ${fmt(burst)}×`)

  // Neither peer in this run: no best peer, so not measured (t ÷ Infinity would read as 0×, "met").
  const bestPeer = (h, y) => (h === undefined && y === undefined ? NaN : Math.min(h ?? Infinity, y ?? Infinity))
  const p99 = perRun(results, 'A', 'steadyP99', (t, h, y) => t / bestPeer(h, y))
  add('A p99', 'steady p99 ≤ 0.5× the best peer’s', p99, p99 !== null && p99 <= 0.5, `Tandem ÷ best peer = ${fmt(p99)}×`)

  // Issue 11's table: A's CPU per delivered update. Every server delivers the burst's 2,000 edits to each of
  // the 50 receivers, so the ratio of burst CPU is the ratio per delivered update.
  const cpuA = perRun(results, 'A', 'burstCpuMs', (t, h) => t / h)
  add('A CPU', 'server CPU per delivered update (the burst) ≤ 0.7× Hocuspocus', cpuA, cpuA !== null && cpuA <= 0.7, `Tandem ÷ Hocuspocus = ${fmt(cpuA)}×`)

  const cpuB = perRun(results, 'B', 'cpuPerDeliveredUs', (t, h) => t / h)
  add('B CPU', 'CPU per delivered update ≤ 0.7× Hocuspocus', cpuB, cpuB !== null && cpuB <= 0.7, `Tandem ÷ Hocuspocus = ${fmt(cpuB)}×`)

  const rssB = perRun(results, 'B', 'rssMiB', (t, h) => t / h)
  add('B RSS', 'server RSS ≤ 1× Hocuspocus (issue 11)', rssB, rssB !== null && rssB <= 1, `Tandem ÷ Hocuspocus = ${fmt(rssB)}×`)

  const rssH = perRun(results, 'C', 'rssPerConnKiB', (t, h) => t / h)
  const rssY = perRun(results, 'C', 'rssPerConnKiB', (t, _h, y) => t / y)
  add(
    'C per conn',
    'memory (RSS) per idle connection ≤ 0.6× Hocuspocus and < y-websocket',
    rssH,
    rssH !== null && rssY !== null && rssH <= 0.6 && rssY < 1,
    `Tandem ÷ Hocuspocus = ${fmt(rssH)}×, ÷ y-websocket = ${fmt(rssY)}×`,
  )

  const rooms = values(results, 'C', 'tandem', 'roomsAfterClose')
  const after = perRun(results, 'C', 'heapAfterCloseKiB', (t) => t)
  const base = perRun(results, 'C', 'heapBaseKiB', (t) => t)
  const second = perRun(results, 'C', 'heapSecondCycleKiB', (t) => t)
  // "Near its starting size": within 15 % of the heap before any connection.
  const near = after !== null && base !== null && after <= 0.15 * base
  add(
    'C after close',
    'after all close every room unloads and the JS heap returns near its start (within 15 %)',
    after,
    !!rooms && rooms.every((r) => r === 0) && near,
    `rooms left ${rooms ? Math.max(...rooms) : 'n/a'}; heap +${fmt(after, 0)} KiB over a ${fmt(base, 0)} KiB start (${fmt((100 * after) / base, 1)} %); 2nd cycle +${fmt(second, 0)} KiB`,
  )

  const rssRoom = perRun(results, 'H', 'rssPerRoomKiB', (t, h) => t / h)
  const heapRoom = perRun(results, 'H', 'heapPerRoomKiB', (t, h) => t / h)
  add(
    'H density',
    'server RSS and JS heap per room (2,000 rooms of ~5 KB, one idle connection each) ≤ 0.5× Hocuspocus’s',
    rssRoom === null || heapRoom === null ? null : Math.max(rssRoom, heapRoom),
    rssRoom !== null && heapRoom !== null && rssRoom <= 0.5 && heapRoom <= 0.5,
    `RSS Tandem ÷ Hocuspocus = ${fmt(rssRoom)}×, heap ÷ = ${fmt(heapRoom)}×`,
  )

  const cold = perRun(results, 'D', 'coldMs', (t, h) => t / h)
  const coldApplied = perRun(results, 'D', 'coldAppliedMs', (t, h) => t / h)
  add(
    'D cold',
    'cold load ≤ 0.25× Hocuspocus’s time (judged on "whole state received")',
    cold,
    cold !== null && cold <= 0.25,
    `Tandem ÷ Hocuspocus = ${fmt(cold)}× received, ${fmt(coldApplied)}× applied`,
  )

  const rssD = perRun(results, 'D', 'replayRssMiB', (t, h) => t / h)
  add('D RSS', 'server RSS after the trace replay ≤ 1× Hocuspocus (issue 11)', rssD, rssD !== null && rssD <= 1, `Tandem ÷ Hocuspocus = ${fmt(rssD)}×`)

  const kill = values(results, 'D', 'tandem', 'killRecoveredExact')
  const killChars = values(results, 'D', 'tandem', 'killRecoveredChars')
  add(
    'D SIGKILL',
    'after SIGKILL 1 s after the last edit, every character is back',
    killChars ? Math.min(...killChars) : null,
    !!kill && kill.every((k) => k === 1),
    `Tandem got back ${killChars ? killChars.join(', ') : 'n/a'} of 104,852 chars`,
  )

  const p95 = perRun(results, 'E', 'p95', (t, h) => t / h)
  const cpuE = perRun(results, 'E', 'cpuMs', (t, h) => t / h)
  add(
    'E presence',
    'presence p95 ≤ Hocuspocus’s with ≤ 0.6× its CPU',
    cpuE,
    p95 !== null && cpuE !== null && p95 <= 1 && cpuE <= 0.6,
    `p95 Tandem ÷ Hocuspocus = ${fmt(p95)}×, CPU ÷ = ${fmt(cpuE)}×`,
  )

  // F: both phases are judged; the figure is the worse (larger) ratio of the two.
  const worse = (a, b) => (a === null || b === null ? null : Math.max(a, b))
  const slowWarm = perRun(results, 'F', 'warmSlowestMs', (t, h) => t / h)
  const slowCold = perRun(results, 'F', 'coldSlowestMs', (t, h) => t / h)
  const rssWarm = perRun(results, 'F', 'warmPeakRssMiB', (t, h) => t / h)
  const rssCold = perRun(results, 'F', 'coldPeakRssMiB', (t, h) => t / h)
  const slowF = worse(slowWarm, slowCold)
  const rssF = worse(rssWarm, rssCold)
  add(
    'F join storm',
    'join storm (100 clients, 3.9 MB document, warm and cold): slowest client ≤ 0.25× Hocuspocus’s, server peak RSS ≤ 0.5×',
    slowF === null || rssF === null ? null : Math.max(slowF / 0.25, rssF / 0.5),
    slowF !== null && rssF !== null && slowF <= 0.25 && rssF <= 0.5,
    `slowest Tandem ÷ Hocuspocus = ${fmt(slowWarm)}× warm, ${fmt(slowCold)}× cold; peak RSS ÷ = ${fmt(rssWarm)}× warm, ${fmt(rssCold)}× cold`,
  )

  const p95G = perRun(results, 'G', 'p95', (t, h) => t / h)
  const cpuG = perRun(results, 'G', 'cpuMs', (t, h) => t / h)
  const bytesG = perRun(results, 'G', 'bytesOutPerSec', (t, h) => t / h)
  add(
    'G crowd',
    'presence crowd (100 clients × 5 moves/s): p95 ≤ 0.5× Hocuspocus’s, CPU ≤ 0.5×, bytes out per second ≤ 1×',
    p95G === null || cpuG === null || bytesG === null ? null : Math.max(p95G / 0.5, cpuG / 0.5, bytesG),
    p95G !== null && cpuG !== null && bytesG !== null && p95G <= 0.5 && cpuG <= 0.5 && bytesG <= 1,
    `p95 Tandem ÷ Hocuspocus = ${fmt(p95G)}×, CPU ÷ = ${fmt(cpuG)}×, bytes/s ÷ = ${fmt(bytesG)}×`,
  )

  const coldOpen = values(results, 'L', 'tandem', 'coldOpenMs')
  // Results saved before L restarted the browser more than once have no slowest cold open: their one is it.
  const coldOpenMax = coldOpen && values(results, 'L', 'tandem', 'coldOpenMaxMs').map((max, run) => max ?? coldOpen[run])
  const warmOpen = values(results, 'L', 'tandem', 'warmOpenMaxMs')
  const slowest = coldOpenMax && warmOpen ? Math.max(...coldOpenMax, ...warmOpen) : null
  add(
    'L local copy',
    'the automerge-paper local copy opens from IndexedDB in Chromium in < 300 ms (issue 12; every open, cold and warm)',
    slowest,
    slowest !== null && slowest < 300,
    `slowest open ${fmt(slowest, 1)} ms (first after a restart, median of each run ${coldOpen ? coldOpen.map((v) => fmt(v, 1)).join(', ') : 'n/a'} ms)`,
  )
  return out
}

/**
 * Issue 11's browser target, from the web app scenarios' runs (run.mjs's
 * `web`): the editor route's first-load JavaScript within its gzipped budget
 * in every run (the size is exact, so one run over is over).
 */
export function judgeWebTargets(web) {
  const runs = (web.W ?? []).filter((run) => run.metrics)
  const sizes = runs.map((run) => run.metrics.editorJsGzipKB)
  const budget = runs[0]?.metrics.budgetKB ?? 350
  const largest = sizes.length ? Math.max(...sizes) : null
  const met = largest !== null && largest <= budget
  return [
    {
      id: 'W bundle',
      text: `the editor route's first-load JavaScript ≤ ${budget} kB gzipped (issue 11)`,
      value: largest,
      met,
      detail: largest === null ? 'not measured' : `${fmt(largest, 1)} kB gzipped in ${runs[0].metrics.editorChunks} scripts (${fmt(Math.abs(budget - largest), 1)} kB ${met ? 'to spare' : 'too many'})`,
      status: largest === null ? 'not measured' : met ? 'met' : 'missed',
      web: true,
    },
  ]
}

