// The documents every system copies: ~1 KB JSON each, made from the id alone so that any run, system or
// check can rebuild them. `n` and `v` (a document's version) feed the convergence fingerprint.
import type { Op } from "../../test/support/documents.ts";
import { random } from "../../test/support/seeded-random.ts";

const WORDS = ["replica", "shard", "leader", "follower", "segment", "translog", "checkpoint", "snapshot", "mapping",
  "cluster", "primary", "refresh", "merge", "bulk", "lease", "cursor", "region", "ferry", "harbour", "cargo"];

export function document(n: number, v: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const rnd = random(n * 31 + v);
  const words = Array.from({ length: 120 }, () => WORDS[Math.floor(rnd() * WORDS.length)]!).join(" ");
  return {
    n, v,
    user: `user-${n % 997}`,
    tags: [`t${n % 13}`, `t${n % 7}`],
    at: 1_700_000_000_000 + n,
    message: words,
    ...extra,
  };
}

/** `count` inserts of fresh ids. */
export function inserts(prefix: string, count: number): Op[] {
  return Array.from({ length: count }, (_, n) => ({ op: "index", id: `${prefix}${n}`, source: document(n, 1) }));
}

/**
 * `count` operations: 60 % inserts of fresh ids, 30 % updates (a new version of a live document) and
 * 10 % deletes of live documents, targets drawn at random among the documents live at that point.
 */
export function mixed(prefix: string, count: number, seed = 1): Op[] {
  const rnd = random(seed);
  const live: number[] = [];
  const versions = new Map<number, number>();
  const ops: Op[] = [];
  let next = 0;
  for (let k = 0; k < count; k++) {
    const roll = rnd();
    if (roll < 0.6 || live.length === 0) {
      const n = next++;
      live.push(n);
      versions.set(n, 1);
      ops.push({ op: "index", id: `${prefix}${n}`, source: document(n, 1) });
    } else if (roll < 0.9) {
      const n = live[Math.floor(rnd() * live.length)]!;
      const v = versions.get(n)! + 1;
      versions.set(n, v);
      ops.push({ op: "index", id: `${prefix}${n}`, source: document(n, v) });
    } else {
      const at = Math.floor(rnd() * live.length);
      const n = live[at]!;
      live[at] = live[live.length - 1]!;
      live.pop();
      ops.push({ op: "delete", id: `${prefix}${n}` });
    }
  }
  return ops;
}

/** The operations split into `streams` lists by id, each keeping the order of its ids' operations, as
 * `_bulk` streams one per shard would send them. */
export function streamsById(ops: Op[], streams: number): Op[][] {
  const out: Op[][] = Array.from({ length: streams }, () => []);
  for (const op of ops) out[hash(op.id) % streams]!.push(op);
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Up to `size` ids of the operations, spread over them: the sample a convergence check compares. */
export function sampleIds(ops: Op[], size: number): string[] {
  const ids = [...new Set(ops.map((o) => o.id))];
  const step = Math.max(1, Math.floor(ids.length / size));
  return ids.filter((_, i) => i % step === 0).slice(0, size);
}
