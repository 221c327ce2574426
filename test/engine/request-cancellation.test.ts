// Cancelling a unit's requests (core/clusters/cancellation.ts) against a real cluster. A cancelled request
// must end as a rejection of that request alone: an uncaught exception would end the pool thread and
// every task on it, and a write of another task still on its way to the follower would then be given up
// for ended while it can still land (a promote answered before it: test/faults/writers.fault.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, callBytes } from "../../core/clusters/client.ts";
import { cancellable } from "../../core/clusters/cancellation.ts";
import { bulk, os } from "../support/documents.ts";
import { random } from "../support/seeded-random.ts";
import { testbed } from "./engine-context.ts";

const { leader } = testbed();
const INDEX = "request-cancellation";
const conn = { hosts: [leader], auth: { type: "none" as const }, tls: {} };
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => void uncaught.push(err);

beforeAll(async () => {
  process.on("uncaughtException", onUncaught);
  await os(leader, "PUT", `/${INDEX}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  await bulk(leader, INDEX, Array.from({ length: 2_000 }, (_, n) => ({ op: "index" as const, id: `d${n}`, source: { n, text: "x".repeat(200) } })), true);
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  await os(leader, "DELETE", `/${INDEX}`);
});

describe("a cancelled request", () => {
  it("rejects its caller and nothing else, whenever the cancellation comes", async () => {
    const rand = random(7);
    let rejected = 0;
    for (let i = 0; i < 120; i++) {
      const controller = new AbortController();
      const request = { method: "POST" as const, path: `/${INDEX}/_search`, body: { size: 500, query: { match_all: {} } } };
      // Both ways a unit reads: parsed answers, and raw bytes (the copy path's pages).
      const sent = cancellable(controller.signal, () => (i % 2 === 0 ? call(conn, "leader", request) : callBytes(conn, "leader", request)));
      setTimeout(() => controller.abort(), Math.floor(rand() * 15));
      await sent.catch(() => rejected++);
    }
    // Let any error the aborts left behind surface before looking.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rejected, "some cancellations came before the answer").toBeGreaterThan(10);
    expect(uncaught.map(String)).toEqual([]);
  });
});
