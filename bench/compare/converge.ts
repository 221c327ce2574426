// One external check of "the follower holds what the leader holds", the same for ferry, the plugin, a
// plain `_bulk` and a restore: after a refresh, the follower index's document count and the sums of two
// fields (`n` is unique per document, `v` its version) equal the leader's, and a sample of documents read
// by id is identical on both.
import { os } from "../../test/support/documents.ts";

export interface Fingerprint {
  count: number;
  sumN: number;
  sumV: number;
}

/** The fingerprint after a refresh; undefined while the index does not exist. */
export async function fingerprint(url: string, index: string): Promise<Fingerprint | undefined> {
  const refreshed = await os(url, "POST", `/${index}/_refresh`);
  if (refreshed?.error) return undefined;
  const res = await os(url, "POST", `/${index}/_search?size=0&track_total_hits=true`, {
    aggs: { n: { sum: { field: "n" } }, v: { sum: { field: "v" } } },
  });
  if (res?.error) return undefined;
  return { count: res.hits.total.value, sumN: res.aggregations.n.value, sumV: res.aggregations.v.value };
}

/** Whether the follower's fingerprint (undefined: index missing) equals the leader's. */
export const sameFingerprint = (a: Fingerprint, b: Fingerprint | undefined) => b !== undefined && a.count === b.count && a.sumN === b.sumN && a.sumV === b.sumV;

/** Whether the sampled documents read on the follower are the leader's, one for one. */
export const sameSample = (expected: string[], docs: string[]) => docs.length === expected.length && docs.every((d, i) => d === expected[i]);

/** JSON with object keys sorted: key order in `_source` carries no meaning. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v);
}

/** The sampled documents as `found` + _source, one string per id (absent ones included). */
export async function sampleDocs(url: string, index: string, ids: string[]): Promise<string[]> {
  const res = await os(url, "POST", `/${index}/_mget`, { ids });
  return ((res?.docs ?? []) as Array<{ found?: boolean; _source?: unknown }>).map((d) => (d.found ? canonical(d._source) : "absent"));
}

export interface Expected {
  fingerprint: Fingerprint;
  sample: { ids: string[]; docs: string[] };
}

export async function expectedFrom(leader: string, index: string, sampleIds: string[]): Promise<Expected> {
  const print = await fingerprint(leader, index);
  if (!print) throw new Error(`leader index ${index} is missing`);
  return { fingerprint: print, sample: { ids: sampleIds, docs: await sampleDocs(leader, index, sampleIds) } };
}

/**
 * Polls the follower index every `everyMs` until it matches; resolves with the `performance.now()` at
 * which the matching fingerprint arrived (not when its poll began: a refresh may wait for a restore to
 * finish). Throws after `timeoutMs`, saying what it saw last.
 */
export async function converged(follower: string, index: string, expected: Expected, options: { everyMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const everyMs = options.everyMs ?? 150;
  const deadline = performance.now() + (options.timeoutMs ?? 15 * 60_000);
  let last: Fingerprint | undefined;
  for (;;) {
    const t = performance.now();
    last = await fingerprint(follower, index).catch(() => undefined);
    if (sameFingerprint(expected.fingerprint, last)) {
      const arrived = performance.now();
      if (sameSample(expected.sample.docs, await sampleDocs(follower, index, expected.sample.ids))) return arrived;
    }
    if (t > deadline) throw new Error(`${index} did not converge: follower ${JSON.stringify(last)}, leader ${JSON.stringify(expected.fingerprint)}`);
    await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (performance.now() - t))));
  }
}
