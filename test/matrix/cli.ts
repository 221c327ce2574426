// npm run matrix [-- PAIRS] [--docs N] [--live SECONDS]
// Runs the matrix workload (workload.ts) on each leader→follower pair, one pair of clusters at a time, and
// prints a markdown table. PAIRS is a comma-separated list of `leader>follower` test-bed specs, e.g.
// `es:7.17>os:2.19,es:8.19>es:8.19`; the default is every pinned distribution against every other.
import { startPair, stopPair } from "../testbed/pair.ts";
import { describeSpec, parseSpec, PINNED, type DistributionSpec } from "../testbed/spec.ts";
import { markdownTable, runWorkload, type MatrixRow } from "./workload.ts";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

function pairsOf(arg: string | undefined): Array<[DistributionSpec, DistributionSpec]> {
  if (!arg) return PINNED.flatMap((leader) => PINNED.map((follower): [DistributionSpec, DistributionSpec] => [leader, follower]));
  return arg.split(",").map((text) => {
    const [leader, follower] = text.split(">");
    if (!leader || !follower) throw new Error(`a pair is leader>follower, e.g. es:7.17>os:2.19; got ${JSON.stringify(text)}`);
    return [parseSpec(leader), parseSpec(follower)];
  });
}

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"));
const pairs = pairsOf(positional[0]);
const docs = flag("docs", 20_000);
const liveSeconds = flag("live", 10);
const rows: MatrixRow[] = [];
for (const [leader, follower] of pairs) {
  const name = `${describeSpec(leader)} → ${describeSpec(follower)}`;
  console.error(`matrix: ${name}`);
  const pair = await startPair({ leader, follower, ownerPid: process.pid });
  try {
    const row = await runWorkload({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }, { docs, liveSeconds, pair: name });
    rows.push(row);
    console.error(`matrix: ${name}: ${row.bootstrap} bootstrap, ${row.mismatches} mismatches of ${row.compared}, ${row.catchUpDocsPerSecond} docs/s${row.examples.length ? `; e.g. ${row.examples.join("; ")}` : ""}`);
  } catch (err) {
    rows.push({ pair: name, bootstrap: "failed", compared: 0, mismatches: -1, catchUpDocsPerSecond: 0, liveOperations: 0, examples: [String(err)] });
    console.error(`matrix: ${name} failed: ${String(err)}`);
  } finally {
    await stopPair(pair);
  }
}
console.log(markdownTable(rows));
const failed = rows.filter((r) => r.mismatches !== 0);
for (const r of failed) console.log(`\n${r.pair}: ${r.examples.join("\n  ")}`);
process.exitCode = failed.length ? 1 : 0;
