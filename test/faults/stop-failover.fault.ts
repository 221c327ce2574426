// The stop-to-failover runbook of docs/failover.md (issue 11, item 1), end to end: an application writes to the
// leader through alias `orders`, ferry follows, the leader site is lost (every node SIGKILLed), the
// operator stops replication through ferry, moves the write alias onto the follower, and the application
// writes there. What must hold: nothing the follower held is lost by the stop, it takes writes through the
// alias, `_status` says it is no longer replicating. What is measured: how many acknowledged leader writes
// never reached the follower (the loss window of a stop-based failover), and how a client's optimistic
// concurrency numbers compare between the two sites.
import { afterAll, describe, expect, it } from "vitest";
import { documents, os } from "../support/documents.ts";
import { until } from "../support/until.ts";
import { useFaultBed } from "./clusters.ts";
import { report, sleep } from "./workload.ts";

const bed = useFaultBed();
const LEADER_INDEX = "failover-orders-l";
const FOLLOWER_INDEX = "failover-orders-f";
const ALIAS = "orders";
const ALIAS_PAIR = { leaderIndex: "failover-alias-l", followerIndex: "failover-alias-f", alias: "orders-check" };
const P = `/_plugins/_replication/${FOLLOWER_INDEX}`;

afterAll(async () => {
  await os(bed.leader, "DELETE", `/${LEADER_INDEX},${ALIAS_PAIR.leaderIndex}`).catch(() => undefined);
  await os(bed.follower, "DELETE", `/${FOLLOWER_INDEX},${ALIAS_PAIR.followerIndex}`);
});

/** The application: new orders through the leader's write alias in small bulks, until the site is gone.
 * Only ids whose bulk item the leader acknowledged count as written. */
class OrderWriter {
  readonly acknowledged = new Set<string>();
  private next = 0;
  private done: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly leader: string) {}

  start(): void {
    this.done = this.loop();
  }

  /** Waits for the bulk in flight; the loop also ends by itself at the first failed request. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.done;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const ids = Array.from({ length: 10 }, () => `order-${this.next++}`);
      const body = ids.map((id) => `${JSON.stringify({ index: { _index: ALIAS, _id: id } })}\n${JSON.stringify({ id, amount: this.next })}\n`).join("");
      try {
        const res = await fetch(`${this.leader}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body });
        const answer = (await res.json()) as { items: Array<{ index: { _id: string; status: number } }> };
        for (const item of answer.items) if (item.index.status === 201) this.acknowledged.add(item.index._id);
      } catch {
        return;
      }
      await sleep(50);
    }
  }
}

interface Numbers {
  _seq_no: number;
  _primary_term: number;
  _version: number;
}

async function numbers(base: string, index: string, id: string): Promise<Numbers> {
  const doc = await os(base, "GET", `/${index}/_doc/${id}`);
  return { _seq_no: doc._seq_no, _primary_term: doc._primary_term, _version: doc._version };
}

/** An index through ferry's address, as the application does once it points there. */
async function writeThroughFerry(ferryUrl: string, target: string, id: string, query = ""): Promise<{ status: number; body: any }> {
  const res = await fetch(`${ferryUrl}/${target}/_doc/${id}${query}`, {
    method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ id, written: "after failover" }),
  });
  return { status: res.status, body: await res.json() };
}

describe("stop-to-failover", () => {
  it("leader site lost: stop, move the write alias, write on the follower; nothing it held is lost", async () => {
    const ferry = await bed.ferry();
    await os(bed.leader, "PUT", `/${LEADER_INDEX}`, {
      settings: { number_of_shards: 2, number_of_replicas: 0 },
      aliases: { [ALIAS]: { is_write_index: true } },
    });
    // Documents that come with the initial copy; "occ-restored" is changed three times before it.
    for (let i = 0; i < 200; i++) await os(bed.leader, "PUT", `/${ALIAS}/_doc/seed-${i}`, { i });
    for (let v = 1; v <= 3; v++) await os(bed.leader, "PUT", `/${ALIAS}/_doc/occ-restored`, { v });

    const started = await ferry.call("PUT", `${P}/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: LEADER_INDEX });
    expect(started).toEqual({ status: 200, body: { acknowledged: true } });

    // The leader's alias comes over with the copy, never as a write index (see the last test).
    await until("alias on the follower", async () =>
      (await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_alias`))?.[FOLLOWER_INDEX]?.aliases?.[ALIAS] !== undefined);
    const copiedAlias = JSON.stringify((await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_alias`))[FOLLOWER_INDEX].aliases[ALIAS]);

    // A document changed five times in one bulk after the copy: ferry copies its last state once.
    const burst = Array.from({ length: 5 }, (_, v) => `${JSON.stringify({ index: { _index: ALIAS, _id: "occ-followed" } })}\n${JSON.stringify({ v })}\n`).join("");
    await fetch(`${bed.leader}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: burst });

    const writer = new OrderWriter(bed.leader);
    writer.start();
    await until("ferry follows the writer", async () => (await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_count`)).count > 500);
    await until("occ-followed copied in its last state", async () =>
      (await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_doc/occ-followed`))?._source?.v === 4);
    const occ = {
      restored: { leader: await numbers(bed.leader, LEADER_INDEX, "occ-restored"), follower: await numbers(bed.follower, FOLLOWER_INDEX, "occ-restored") },
      followed: { leader: await numbers(bed.leader, LEADER_INDEX, "occ-followed"), follower: await numbers(bed.follower, FOLLOWER_INDEX, "occ-followed") },
    };
    await sleep(3_000);

    // The site is lost while the application is writing.
    const restartLeader = await bed.crash("leader");
    let leaderBack = false;
    try {
      await writer.stop();
      const acknowledged = new Set([...writer.acknowledged, ...Array.from({ length: 200 }, (_, i) => `seed-${i}`), "occ-restored", "occ-followed"]);

      // What the operator can read before stopping: ferry's last view of both checkpoints per shard.
      const status = await ferry.call("GET", `${P}/_status?verbose=true`);
      expect(status.body.status).toBe("SYNCING");
      // follower_checkpoint is also held back by the delete sweep (it waits for a caught-up shard);
      // seq_no - 1 is how far ferry had written.
      const shards = (status.body.shard_replication_details as Array<{ syncing_task_details: { leader_checkpoint: number; follower_checkpoint: number; seq_no: number } }>)
        .map((s) => s.syncing_task_details);
      const behindReconciled = shards.reduce((n, s) => n + s.leader_checkpoint - s.follower_checkpoint, 0);
      const behindWritten = shards.reduce((n, s) => n + s.leader_checkpoint - (s.seq_no - 1), 0);
      const heldBefore = await documents(bed.follower, FOLLOWER_INDEX);

      expect(await ferry.call("POST", `${P}/_stop`, {})).toEqual({ status: 200, body: { acknowledged: true } });
      expect(await ferry.call("GET", `${P}/_status`)).toEqual({ status: 200, body: { status: "REPLICATION NOT IN PROGRESS" } });

      const heldAfter = await documents(bed.follower, FOLLOWER_INDEX);
      const dropped = [...heldBefore.keys()].filter((id) => !heldAfter.has(id));
      expect(dropped, "documents the follower held before the stop").toEqual([]);
      const lost = [...acknowledged].filter((id) => !heldAfter.has(id));

      // The application is pointed at the follower: the alias becomes its write index there.
      const moved = await fetch(`${ferry.url}/_aliases`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ actions: [{ add: { index: FOLLOWER_INDEX, alias: ALIAS, is_write_index: true } }] }),
      });
      expect(moved.status, await moved.clone().text()).toBe(200);
      for (let i = 0; i < 20; i++) {
        const written = await writeThroughFerry(ferry.url, ALIAS, `after-${i}`);
        expect(written.status, JSON.stringify(written.body)).toBe(201);
        expect(written.body._index).toBe(FOLLOWER_INDEX);
      }
      expect((await os(bed.follower, "PUT", `/${FOLLOWER_INDEX}/_doc/direct?refresh=true`, { direct: true })).result).toBe("created");
      expect((await documents(bed.follower, FOLLOWER_INDEX)).size).toBe(heldAfter.size + 21);

      // Optimistic concurrency. The initial copy is the leader's own Lucene data: untouched documents
      // keep all three numbers. ferry's writes carry version = leader _seq_no + 1 and get the follower's
      // own _seq_no and _primary_term, so none of the three is the leader's.
      expect(occ.restored.follower).toEqual(occ.restored.leader);
      expect(occ.followed.leader._version).toBe(5);
      expect(occ.followed.follower._version).toBe(occ.followed.leader._seq_no + 1);
      expect(occ.followed.follower._seq_no).not.toBe(occ.followed.leader._seq_no);
      const { _seq_no: leaderSeqNo, _primary_term: leaderTerm } = occ.followed.leader;
      const stale = await writeThroughFerry(ferry.url, FOLLOWER_INDEX, "occ-followed", `?if_seq_no=${leaderSeqNo}&if_primary_term=${leaderTerm}`);
      expect(stale.status, JSON.stringify(stale.body)).toBe(409);
      expect(stale.body.error.type).toBe("version_conflict_engine_exception");
      const reread = await numbers(bed.follower, FOLLOWER_INDEX, "occ-followed");
      const fresh = await writeThroughFerry(ferry.url, FOLLOWER_INDEX, "occ-followed", `?if_seq_no=${reread._seq_no}&if_primary_term=${reread._primary_term}`);
      expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);

      // The old site comes back as it was: its index still there, with every write it acknowledged, and
      // writable through its own alias. Nothing links it to the follower any more.
      await restartLeader();
      leaderBack = true;
      const oldLeader = await documents(bed.leader, LEADER_INDEX);
      expect([...acknowledged].filter((id) => !oldLeader.has(id)), "acknowledged writes on the restarted leader").toEqual([]);
      expect((await os(bed.leader, "PUT", `/${ALIAS}/_doc/diverged?refresh=true`, { site: "old" })).result).toBe("created");
      expect((await os(bed.follower, "GET", `/${FOLLOWER_INDEX}/_doc/diverged`)).found).toBe(false);

      report("stop-to-failover", {
        acknowledged: acknowledged.size, follower_held: heldAfter.size, lost_acknowledged: lost.length, status_leader_minus_follower_checkpoint: behindReconciled, status_leader_checkpoint_minus_written: behindWritten,
        copied_alias: copiedAlias, lost_examples: lost.slice(0, 3).join("|") || "none",
        occ_restored: JSON.stringify(occ.restored), occ_followed: JSON.stringify(occ.followed),
      });
    } finally {
      if (!leaderBack) await restartLeader();
    }
  });

  // The restore brings the leader's aliases with their is_write_index; the alias sync must clear it, or a
  // write through the alias on the follower would land in the following index (ferry's proxy matches
  // index names literally) and be deleted again by the next sweep.
  it("a copied alias is never a write index on a following index", async () => {
    const ferry = await bed.ferry();
    const { leaderIndex, followerIndex, alias } = ALIAS_PAIR;
    await os(bed.leader, "PUT", `/${leaderIndex}`, { settings: { number_of_shards: 1, number_of_replicas: 0 }, aliases: { [alias]: { is_write_index: true } } });
    await os(bed.leader, "PUT", `/${alias}/_doc/1`, { n: 1 });
    const started = await ferry.call("PUT", `/_plugins/_replication/${followerIndex}/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: leaderIndex });
    expect(started).toEqual({ status: 200, body: { acknowledged: true } });
    try {
      // Given time for the first metadata sync, which runs with the first follow cycle.
      await until("first metadata sync", async () => (await ferry.call("GET", `/_plugins/_replication/${followerIndex}/_status`)).body.status === "SYNCING");
      await os(bed.leader, "PUT", `/${alias}/_doc/2?refresh=true`, { n: 2 });
      await until("a followed write", async () => (await os(bed.follower, "GET", `/${followerIndex}/_doc/2`))?.found === true);
      expect((await os(bed.follower, "GET", `/${followerIndex}/_alias`))[followerIndex].aliases[alias]).toEqual({ is_write_index: false });
      const written = await writeThroughFerry(ferry.url, alias, "through-alias");
      expect(written.status, JSON.stringify(written.body)).toBe(400);
    } finally {
      await ferry.call("POST", `/_plugins/_replication/${followerIndex}/_stop`, {});
    }
  });
});
