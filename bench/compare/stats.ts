// Small statistics for the report: medians over runs, percentiles over lag samples.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function distribution(xs: number[]): Distribution {
  return { count: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : NaN };
}

/** The median of the finite values, undefined when there are none (a run or system that is missing). */
export function medianOf(xs: Array<number | undefined>): number | undefined {
  const finite = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return finite.length ? median(finite) : undefined;
}
