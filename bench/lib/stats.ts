// Small statistics over samples: medians of runs, percentiles of per-call latencies.

/** The p-th percentile (0..100) of `values`, by the nearest-rank method. NaN for no values. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? Number.NaN
}

/** The median; for an even count, the mean of the two middle values. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** "1.07×" */
export const ratio = (value: number, digits = 2): string => (Number.isFinite(value) ? `${value.toFixed(digits)}×` : 'n/a')

/** Thousands separated, no decimals. */
export const int = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a')

/** Milliseconds with a precision that suits the value. */
export const ms = (value: number): string =>
  !Number.isFinite(value) ? 'n/a' : value < 1 ? `${(value * 1000).toFixed(0)} µs` : value < 100 ? `${value.toFixed(1)} ms` : `${value.toFixed(0)} ms`

/** Bytes as kB (1000) with one decimal, or MB for large values. */
export const bytes = (value: number): string =>
  !Number.isFinite(value) ? 'n/a' : value >= 1_000_000 ? `${(value / 1_000_000).toFixed(2)} MB` : `${(value / 1000).toFixed(1)} kB`
