// `npm run demo`: two local OpenSearch clusters, ferry in front of the follower, and a sample index
// replicated while it changes. Prints one line a second until Ctrl-C, then stops everything it started.
// ferry's own log goes to a file beside its database, so the terminal holds only the demo's lines.
import { dirname, join } from "node:path";
import { bulk, os, type Op } from "../support/documents.ts";
import { ferryEnvFor, spawnFerry } from "../support/ferry-spawn.ts";
import { startPair, stopPair } from "./pair.ts";
import { TestbedPrerequisiteError } from "./prerequisites.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

say("ferry demo: starting a leader and a follower OpenSearch cluster (the first run downloads OpenSearch)…");
const pair = await startPair({ ownerPid: process.pid }).catch((err: unknown) => {
  // No Java, too old a Java, no disk space, Maven Central out of reach: one line, not a stack trace.
  if (!(err instanceof TestbedPrerequisiteError)) throw err;
  process.stderr.write(`ferry demo: ${err.message}\n`);
  process.exit(1);
});
say(`  leader   ${pair.leader.urls.join(" ")}\n  follower ${pair.follower.urls.join(" ")}`);

// Every node's address, so that with FERRY_TESTBED_NODES ferry reaches each cluster through any of them.
const env: Record<string, string> = {
  ...ferryEnvFor({ leader: pair.leader.url, follower: pair.follower.url, repoPath: pair.repoPath }),
  FERRY_FOLLOWER_URL: pair.follower.urls.join(","),
  FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: pair.leader.urls } }),
};
// The database's folder goes when this process exits, and the log with it.
const logFile = join(dirname(env.FERRY_DB!), "ferry.log");
say(`  ferry's log (JSON lines, kept until the demo ends): ${logFile}`);
const ferry = await spawnFerry(env, { logFile });
const ferryUrl = ferry.url;
say(`  ferry    ${ferryUrl}   (use it as the follower's address: the replication API and everything else)`);

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  say("\nstopping ferry and both clusters…");
  await ferry.stop();
  await stopPair(pair);
  say("done.");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

const doc = (i: number, round: number): Op => ({ op: "index", id: `event-${i}`, routing: i % 10 === 0 ? "tenant-a" : undefined, source: { i, round, message: `event ${i} seen in round ${round}` } });
// A replica of every shard when the leader has the nodes for it.
const replicas = Math.min(1, pair.leader.nodes.length - 1);
await os(pair.leader.url, "PUT", "/demo-events", { settings: { number_of_shards: 3, number_of_replicas: replicas } });
await bulk(pair.leader.url, "demo-events", Array.from({ length: 5_000 }, (_, i) => doc(i, 0)));
say("\nleader index demo-events: 5,000 documents. Starting replication through ferry:");
say(`  curl -XPUT ${ferryUrl}/_plugins/_replication/demo-events-replica/_start -H 'content-type: application/json' \\\n       -d '{"leader_alias":"leader-cluster","leader_index":"demo-events"}'`);
const start = await fetch(`${ferryUrl}/_plugins/_replication/demo-events-replica/_start?wait_for_restore=true`, {
  method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ leader_alias: "leader-cluster", leader_index: "demo-events" }),
});
say(`  → ${start.status} ${await start.text()}`);
say(`\nEach second the leader gets 200 new documents, 100 updates and 20 deletes; watch the follower keep up.`);
say(`Status:    curl ${ferryUrl}/_plugins/_replication/demo-events-replica/_status?pretty`);
say(`Dashboard: ${ferryUrl}/_ferry/ui   — Ctrl-C to stop.\n`);

let next = 5_000;
for (let round = 1; !stopping; round++) {
  const ops: Op[] = Array.from({ length: 200 }, () => doc(next++, round));
  for (let k = 0; k < 100; k++) ops.push(doc(Math.floor(Math.random() * next), round));
  for (let k = 0; k < 20; k++) ops.push({ op: "delete", id: `event-${Math.floor(Math.random() * next)}` });
  await bulk(pair.leader.url, "demo-events", ops);
  await new Promise((r) => setTimeout(r, 1_000));
  if (stopping) break;
  const [leaderCount, followerCount, status] = await Promise.all([
    os(pair.leader.url, "GET", "/demo-events/_count"),
    os(pair.follower.url, "GET", "/demo-events-replica/_count"),
    fetch(`${ferryUrl}/_plugins/_replication/demo-events-replica/_status?ferry_extras=true`).then((r) => r.json() as Promise<any>),
  ]);
  const d = status.syncing_details ?? {};
  say(`${new Date().toISOString().slice(11, 19)}  ${status.status}  leader docs ${leaderCount.count}  follower docs ${followerCount.count}  ` +
    `checkpoints leader ${d.leader_checkpoint ?? "-"} / follower ${d.follower_checkpoint ?? "-"}  deletes replicated ${status.deletes_replicated ?? 0}`);
}
