/** Small statistics helpers: percentiles over samples, medians over runs. */

/** Percentile (0–100) of a numeric array-like, nearest-rank on a sorted copy. */
export function percentile(samples, p) {
  const n = samples.length
  if (n === 0) return NaN
  const sorted = Float64Array.from(samples).sort()
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))
  return sorted[rank]
}

export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return NaN
  const sorted = [...finite].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Growable Float64 sample buffer: millions of latencies without GC churn. */
export class Samples {
  constructor(capacity = 1 << 16) {
    this.data = new Float64Array(capacity)
    this.length = 0
  }
  push(value) {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    this.data[this.length++] = value
  }
  view() {
    return this.data.subarray(0, this.length)
  }
}
