/**
 * Turns raw per-run results into medians and per-run ratios. A ratio is taken
 * inside each run (both servers measured minutes apart on the same machine
 * load) and then the median of those ratios is reported, which is what makes
 * the numbers comparable on a shared, noisy machine.
 */
import { median } from './stats.mjs'
import { METRICS } from './metrics.mjs'

/**
 * results[scenario][server] = array over runs of { metrics } or { error }.
 * Returns rows: { metric, cells: { [server]: { value, failed, errors, ratios: { [other]: r } } } }
 */
export function summarize(results, servers) {
  const rows = []
  for (const metric of METRICS) {
    const byServer = results[metric.scenario]
    if (!byServer) continue
    const cells = {}
    for (const s of servers) {
      const runs = byServer[s]
      if (!runs) continue
      const errors = runs.filter((r) => r.error).map((r) => r.error)
      const values = runs.map((r) => (r.error ? NaN : r.metrics?.[metric.key]))
      if (runs.every((r) => r.skipped)) {
        cells[s] = { skipped: true }
        continue
      }
      cells[s] = { values, errors, failed: errors.length > 0, value: errors.length ? NaN : median(values), ratios: {} }
    }
    for (const s of Object.keys(cells)) {
      if (cells[s].skipped || metric.noRatio) continue
      for (const o of Object.keys(cells)) {
        if (o === s || cells[o].skipped) continue
        const perRun = cells[s].values.map((v, i) => v / cells[o].values[i]).filter((r) => Number.isFinite(r))
        cells[s].ratios[o] = perRun.length ? median(perRun) : NaN
      }
    }
    rows.push({ metric, cells })
  }
  return rows
}

export function formatValue(metric, value) {
  if (!Number.isFinite(value)) return '—'
  const v = value * (metric.scale ?? 1)
  const s = v.toLocaleString('en-US', { minimumFractionDigits: metric.digits, maximumFractionDigits: metric.digits })
  return metric.unit ? `${s} ${metric.unit}` : s
}

export function formatRatio(r) {
  if (!Number.isFinite(r)) return '—'
  return r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toPrecision(2)
}
