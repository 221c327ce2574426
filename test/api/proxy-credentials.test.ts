// Which credentials the proxy hands the follower, read off the wire: ferry's follower connection goes
// through a TCP relay in front of the real follower cluster, which records every request head. ferry's
// own follower credentials are planted values; the test follower runs without security, so requests
// succeed whatever they carry and only the recorded bytes tell what ferry sent.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";

const { follower } = inject("testbed");
const FERRY_USER = "ferry-follower-user";
const FERRY_PASSWORD = `planted-${randomUUID()}`;
const FERRY_BASIC = `Basic ${Buffer.from(`${FERRY_USER}:${FERRY_PASSWORD}`).toString("base64")}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const OPS = basic("ops", "ops-password");
const INDEX = "proxy-credentials";

let relay: TcpProxy;
/** Request line → its header lines, for every request that reached the follower through the relay. */
const seen = new Map<string, string[]>();
const ferries: FerryProcess[] = [];

async function ferryWith(env: Record<string, string> = {}): Promise<FerryProcess> {
  const ferry = await startFerry({ FERRY_FOLLOWER_URL: relay.url, FERRY_FOLLOWER_USERNAME: FERRY_USER, FERRY_FOLLOWER_PASSWORD: FERRY_PASSWORD, ...env });
  ferries.push(ferry);
  return ferry;
}

/** Sends a search marked with a fresh query string, so that its head can be told from ferry's own calls. */
async function probe(ferry: FerryProcess, headers: Record<string, string>): Promise<{ status: number; authorization: string[] | undefined }> {
  const marker = `m${randomUUID().replace(/-/g, "")}`;
  const res = await fetch(`${ferry.url}/${INDEX}/_search?q=${marker}`, { headers });
  await res.arrayBuffer();
  const head = [...seen].find(([line]) => line.includes(marker))?.[1];
  const authorization = head?.filter((h) => /^authorization:/i.test(h)).map((h) => h.slice(h.indexOf(":") + 1).trim());
  return { status: res.status, authorization };
}

beforeAll(async () => {
  await os(follower, "PUT", `/${INDEX}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  relay = await TcpProxy.start(follower);
  relay.onRequestHead = (line, headers) => seen.set(line, headers);
});
afterAll(async () => {
  for (const ferry of ferries) await ferry.stop();
  await relay?.close();
  await os(follower, "DELETE", `/${INDEX}`);
});

describe("without ferry auth", () => {
  let ferry: FerryProcess;
  beforeAll(async () => {
    ferry = await ferryWith();
  });

  it("sends an anonymous request on without any credentials, and the follower answers it", async () => {
    expect(await probe(ferry, {})).toEqual({ status: 200, authorization: [] });
  });

  it("sends the caller's own Authorization on unchanged", async () => {
    const own = basic("app-user", "app-password");
    expect(await probe(ferry, { authorization: own })).toEqual({ status: 200, authorization: [own] });
  });
});

describe("with ferry auth", () => {
  const auth = (lend: boolean) => JSON.stringify({ users: [{ name: "ops", password: "ops-password", role: "admin" }], lend_follower_credentials: lend });
  let lending: FerryProcess;
  let closed: FerryProcess;
  beforeAll(async () => {
    lending = await ferryWith({ FERRY_AUTH: auth(true) });
    closed = await ferryWith({ FERRY_AUTH: auth(false) });
  });

  it("refuses an anonymous request before it reaches the follower", async () => {
    for (const ferry of [lending, closed]) {
      const answer = await probe(ferry, {});
      expect(answer).toEqual({ status: 401, authorization: undefined });
    }
  });

  it("keeps ferry's own credential from the follower, and lends nothing unless configured", async () => {
    expect(await probe(closed, { authorization: OPS })).toEqual({ status: 200, authorization: [] });
  });

  it("lends ferry's follower credentials to an authenticated user when configured", async () => {
    expect(await probe(lending, { authorization: OPS })).toEqual({ status: 200, authorization: [FERRY_BASIC] });
  });

  it("sends the caller's X-Follower-Authorization as its Authorization instead", async () => {
    const own = basic("app-user", "app-password");
    for (const ferry of [lending, closed]) {
      const answer = await probe(ferry, { authorization: OPS, "x-follower-authorization": own });
      expect(answer).toEqual({ status: 200, authorization: [own] });
    }
  });
});
