#!/usr/bin/env node
// The `ferry` command of the packed release: `ferry start` runs the server (api/main.ts, configured by the
// same environment), `ferry status [index]` summarises a running ferry's replications over HTTP.
import { parseArgs } from "node:util";
import type { components } from "../openapi/ferry.gen.ts";

type Schemas = components["schemas"];

const USAGE = `Usage: ferry <command> [options]

Commands:
  start             Run the ferry server. Configured by FERRY_* environment variables and FERRY_CONFIG
                    (see docs/configuration.md); prints {"ferry":"listening","url":...} once it listens.
  status [index]    Summarise a running ferry: every follower index, or one index's status by shard.

Options:
  --url <url>       The running ferry for \`status\` (default: FERRY_URL, else http://127.0.0.1:9211)
  -h, --help        Show this help
`;

/** One line on stderr and exit code 1: the CLI's answer to anything it cannot do. */
function fail(message: string): never {
  process.stderr.write(`ferry: ${message}\n`);
  process.exit(1);
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const url = base.replace(/\/+$/, "") + path;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    fail(`cannot reach ferry at ${base}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as (T & Partial<Schemas["ErrorResponse"]>) | undefined;
  if (!res.ok || body === undefined) fail(`${url} answered ${res.status}${body?.error ? `: ${body.error.type}: ${body.error.reason}` : ""}`);
  return body;
}

const behind = (leader: number, follower: number) => Math.max(0, leader - follower);

function printIndexStatus(index: string, s: Schemas["StatusResponse"]): void {
  const leader = s.leader_alias && s.leader_index ? ` ← ${s.leader_alias}:${s.leader_index}` : "";
  console.log(`${index}: ${s.status}${leader}${s.reason ? ` (${s.reason})` : ""}`);
  if (s.syncing_details) {
    const d = s.syncing_details;
    console.log(`  checkpoints: leader ${d.leader_checkpoint}, follower ${d.follower_checkpoint} ` +
      `(${behind(d.leader_checkpoint, d.follower_checkpoint)} operations behind)`);
  }
  if (s.bootstrap_details) {
    const b = s.bootstrap_details;
    console.log(`  bootstrap: ${b.files_recovered}/${b.files_total} files, ${b.bytes_percent}% of ${b.bytes_total} bytes, ` +
      `running ${Math.round(b.running_time / 1000)} s`);
  }
  for (const shard of s.shard_replication_details ?? []) {
    const d = shard.syncing_task_details;
    if (d) console.log(`  ${shard.shard_id}: leader ${d.leader_checkpoint}, follower ${d.follower_checkpoint}`);
  }
}

function printFollowerStats(base: string, stats: Schemas["FollowerStats"]): void {
  console.log(`ferry at ${base}: ${stats.num_syncing_indices} syncing, ${stats.num_bootstrapping_indices} bootstrapping, ` +
    `${stats.num_paused_indices} paused, ${stats.num_failed_indices} failed`);
  const rows = Object.entries(stats.index_stats).map(([index, s]) => [
    index, String(s.leader_checkpoint), String(s.follower_checkpoint), String(behind(s.leader_checkpoint, s.follower_checkpoint)),
    String(s.operations_written), String(s.failed_read_requests + s.failed_write_requests),
  ]);
  if (rows.length === 0) return;
  const table = [["INDEX", "LEADER CKPT", "FOLLOWER CKPT", "BEHIND", "OPS WRITTEN", "FAILED REQUESTS"], ...rows];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  for (const row of table) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join("  ").trimEnd());
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { url: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
} catch (err) {
  fail(`${(err as Error).message}; see ferry --help`);
}
const { values, positionals: [command, ...rest] } = parsed;

if (values.help || command === undefined || command === "help") {
  process.stdout.write(USAGE);
} else if (command === "start") {
  if (rest.length > 0) fail(`start takes no arguments (configure it with FERRY_* variables); see ferry --help`);
  await import("./main.ts");
} else if (command === "status") {
  if (rest.length > 1) fail("status takes at most one index; see ferry --help");
  const base = values.url ?? process.env.FERRY_URL ?? "http://127.0.0.1:9211";
  const [index] = rest;
  if (index) {
    printIndexStatus(index, await getJson<Schemas["StatusResponse"]>(base, `/_plugins/_replication/${encodeURIComponent(index)}/_status?verbose=true`));
  } else {
    printFollowerStats(base, await getJson<Schemas["FollowerStats"]>(base, "/_plugins/_replication/follower_stats"));
  }
} else {
  fail(`unknown command "${command}"; see ferry --help`);
}
