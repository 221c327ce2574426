// What the follower sends back for the documents ferry copies (issue 22, item 2). A full `_bulk` answer
// repeats index, id, version, result and shard counts for every document, and parsing it costs ferry more
// than the page's own metadata; ferry reads only each item's status, sequence number and error. The copy
// is run straight on a leader shard, with a TCP proxy in front of the follower counting its answers' bytes.
import { afterAll, describe, expect, it } from "vitest";
import { followShard } from "../../workers/shard-follow.ts";
import { bulk, os } from "../support/documents.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { testbed } from "./engine-context.ts";

const { leader, follower } = testbed();
const LEADER_INDEX = "bulk-answer-l";
const FOLLOWER_INDEX = "bulk-answer-f";
const DOCS = 2_000;
const conn = (url: string) => ({ hosts: [url], auth: { type: "none" as const }, tls: {} });
let proxy: TcpProxy | undefined;

afterAll(async () => {
  await proxy?.close();
  await os(leader, "DELETE", `/${LEADER_INDEX}`);
  await os(follower, "DELETE", `/${FOLLOWER_INDEX}`);
});

describe("the follower's answers to a shard's copy", () => {
  it("carry little more than a status and a sequence number per document", async () => {
    const settings = { settings: { number_of_shards: 1, number_of_replicas: 0 } };
    await os(leader, "PUT", `/${LEADER_INDEX}`, settings);
    await os(follower, "PUT", `/${FOLLOWER_INDEX}`, settings);
    await bulk(leader, LEADER_INDEX, Array.from({ length: DOCS }, (_, n) => ({ op: "index" as const, id: `doc-${n}`, source: { n, text: "x".repeat(100) } })), true);
    proxy = await TcpProxy.start(follower);

    const result = await followShard({
      leader: conn(leader), follower: conn(proxy.url), leaderIndex: LEADER_INDEX, followerIndex: FOLLOWER_INDEX, shard: 0, versionOffset: 0,
      writeWindow: BigInt64Array.of(BigInt(Number.MAX_SAFE_INTEGER)),
      checkpoint: -1, target: DOCS - 1, pageSize: 500, maxOps: DOCS, bulkMaxBytes: 1 << 20,
    });

    expect(result).toMatchObject({ checkpoint: DOCS - 1, opsWritten: DOCS, conflicts: 0, followerSeqNos: { from: 0, to: DOCS - 1 } });
    await os(follower, "POST", `/${FOLLOWER_INDEX}/_refresh`);
    expect((await os(follower, "GET", `/${FOLLOWER_INDEX}/_count`)).count).toBe(DOCS);
    // A full answer is about 190 bytes a document; `{"index":{"_seq_no":1234,"status":201}}` about 40.
    expect(proxy.counts.answerBytes / DOCS).toBeLessThan(64);
  });
});
