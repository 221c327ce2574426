// TLS on both of ferry's sides. Its listener serves HTTPS with a certificate made here by openssl (Node's
// crypto cannot issue X.509 certificates), and clients verify it against the test's CA. Towards clusters,
// a TLS terminator in front of the real leader shows that ferry verifies the certificate and the host
// name against a remote's CA, and accepts any certificate only when `tls.verify` is false — which
// `/_ferry/health` and the remotes view then say.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { connect } from "node:net";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { os } from "../support/documents.ts";
import { startFerry, testbedFerryEnv, type FerryProcess } from "../support/ferry-process.ts";
import { newFerryDir } from "../support/ferry-spawn.ts";

const { leader, follower } = inject("testbed");
const dir = newFerryDir();

/** A CA, and leaf certificates it signs for the given subjectAltNames. */
function makeCa(name: string) {
  const key = join(dir, `${name}-key.pem`);
  const cert = join(dir, `${name}.pem`);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${name}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"], { stdio: "ignore" });
  return {
    pem: readFileSync(cert, "utf8"),
    issue(leaf: string, altNames: string) {
      const leafKey = join(dir, `${leaf}-key.pem`);
      const leafCert = join(dir, `${leaf}.pem`);
      const ext = join(dir, `${leaf}.ext`);
      writeFileSync(ext, `subjectAltName=${altNames}\nextendedKeyUsage=serverAuth\n`);
      execFileSync("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", leafKey, "-out", `${leafCert}.csr`, "-subj", `/CN=${leaf}`], { stdio: "ignore" });
      execFileSync("openssl", ["x509", "-req", "-in", `${leafCert}.csr`, "-CA", cert, "-CAkey", key, "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", leafCert], { stdio: "ignore" });
      return { certFile: leafCert, keyFile: leafKey, cert: readFileSync(leafCert, "utf8"), key: readFileSync(leafKey, "utf8") };
    },
  };
}

/** A GET over HTTPS trusting `ca` only; the answer's status and JSON body. */
function httpsGet(url: string, ca?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk)).on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    }).on("error", reject).end();
  });
}

/** Terminates TLS with `cert` and passes the bytes on to the real leader cluster. */
function tlsTerminator(cert: { cert: string; key: string }): Promise<{ server: Server; url: string }> {
  const upstream = new URL(leader);
  const server = createServer({ cert: cert.cert, key: cert.key }, (client) => {
    const to = connect(Number(upstream.port), upstream.hostname);
    client.pipe(to).pipe(client);
    client.on("error", () => to.destroy());
    to.on("error", () => client.destroy());
  });
  // A client that rejects the certificate ends the handshake; that is the case under test, not a fault.
  server.on("tlsClientError", () => undefined);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number };
    resolve({ server, url: `https://127.0.0.1:${port}` });
  }));
}

/** Runs ferry with `env` expecting it to refuse to start; answers its exit code and stderr. */
function refusedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "api/main.ts"], { env: { ...process.env, ...testbedFerryEnv(), ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

const ca = makeCa("ferry-test-ca");
const listener = ca.issue("listener", "IP:127.0.0.1,DNS:localhost");
const rightName = ca.issue("leader-right-name", "IP:127.0.0.1");
const wrongName = ca.issue("leader-wrong-name", "DNS:not-this-host.example");
const otherCa = makeCa("other-ca");

describe("HTTPS listener", () => {
  let ferry: FerryProcess;
  beforeAll(async () => {
    ferry = await startFerry({ FERRY_TLS_CERT: listener.certFile, FERRY_TLS_KEY: listener.keyFile });
  });
  afterAll(async () => {
    await ferry?.stop();
  });

  it("says https in its listening line and answers clients that trust its CA", async () => {
    expect(ferry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsGet(`${ferry.url}/_ferry/health`, ca.pem);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "ready", follower: { reachable: true } });
  });

  it("is refused by a client trusting another CA, and takes no plain HTTP", async () => {
    await expect(httpsGet(`${ferry.url}/_ferry/health`, otherCa.pem)).rejects.toThrow(/self-signed|unable to verify|self signed/i);
    const plain = ferry.url.replace("https:", "http:");
    const answer = await fetch(`${plain}/_ferry/health`).then((res) => res.status, (err: Error) => err.message);
    expect(answer).not.toBe(200);
  });

  it.each([
    ["a certificate without a key", { FERRY_TLS_CERT: "CERT" }, "ferry: HTTPS needs both FERRY_TLS_CERT and FERRY_TLS_KEY (file keys tls_cert, tls_key)"],
    ["a missing key file", { FERRY_TLS_CERT: "CERT", FERRY_TLS_KEY: "/nonexistent/key.pem" }, "ferry: FERRY_TLS_KEY [/nonexistent/key.pem] cannot be read: ENOENT"],
    ["a key of another certificate", { FERRY_TLS_CERT: "CERT", FERRY_TLS_KEY: "OTHER_KEY" }, "are not a usable certificate and key"],
    ["FERRY_FOLLOWER_TLS_VERIFY other than true or false", { FERRY_FOLLOWER_TLS_VERIFY: "no" }, "ferry: FERRY_FOLLOWER_TLS_VERIFY must be true or false, got no"],
  ])("refuses to start with %s", async (_what, env, message) => {
    const files: Record<string, string> = { CERT: listener.certFile, OTHER_KEY: rightName.keyFile };
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, files[v] ?? v]));
    const { code, stderr } = await refusedStart(resolved);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("TLS towards clusters", () => {
  let ferry: FerryProcess;
  const terminators: Server[] = [];
  let right: string;
  let wrong: string;
  const index = `tls-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(follower, "PUT", `/${taken}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const a = await tlsTerminator(rightName);
    const b = await tlsTerminator(wrongName);
    terminators.push(a.server, b.server);
    right = a.url;
    wrong = b.url;
    ferry = await startFerry();
  });
  afterAll(async () => {
    await ferry?.stop();
    for (const server of terminators) server.close();
    await os(leader, "DELETE", `/${index}`);
    await os(follower, "DELETE", `/${taken}`);
  });

  // Start reads the leader index before it looks at the follower: a start into this existing follower
  // index is refused with "Cant use same index again" exactly when the leader was reached, and nothing
  // starts replicating.
  const taken = `${index}-taken`;
  const REACHED = { status: 400, body: expect.objectContaining({ error: expect.objectContaining({ reason: `Cant use same index again for replication. Delete the index:${taken}` }) }) };

  /** Registers `alias` with `tls`, then starts through it; answers the start. */
  async function startThrough(alias: string, host: string, tls: Record<string, unknown>) {
    expect((await ferry.call("PUT", `/_ferry/remotes/${alias}`, { hosts: [host], tls })).status).toBe(200);
    return ferry.call("PUT", `/_plugins/_replication/${taken}/_start`, { leader_alias: alias, leader_index: index });
  }

  it("reaches the leader through a certificate that its CA signed for the host name", async () => {
    expect(await startThrough("tls-right", right, { ca: ca.pem })).toEqual(REACHED);
  });

  it("refuses a certificate its CA signed for another host name", async () => {
    const started = await startThrough("tls-wrong-name", wrong, { ca: ca.pem });
    expect(started).not.toEqual(REACHED);
    expect(JSON.stringify(started.body)).toMatch(/does not match certificate's altnames/);
  });

  it("refuses a certificate of another CA, also with the system CAs", async () => {
    for (const [alias, tls] of [["tls-other-ca", { ca: otherCa.pem }], ["tls-system-ca", {}]] as const) {
      const started = await startThrough(alias, right, tls);
      expect(started).not.toEqual(REACHED);
      expect(JSON.stringify(started.body)).toMatch(/unable to verify|self.signed/i);
    }
  });

  it("accepts any certificate only with verify false, and says so in health and the remotes view", async () => {
    expect(await startThrough("tls-unverified", wrong, { verify: false })).toEqual(REACHED);

    expect((await ferry.call("GET", "/_ferry/remotes/tls-unverified")).body.tls).toEqual({ verify: false });
    expect((await ferry.call("GET", "/_ferry/remotes/tls-right")).body.tls).toEqual({ verify: true, ca: "<set>" });
    const health = await ferry.call("GET", "/_ferry/health");
    expect(health.body.remotes_tls_unverified).toEqual(["tls-unverified"]);
    expect(health.body.follower.tls_verify).toBe(true);

    // Only the boolean turns verification off.
    expect((await ferry.call("PUT", "/_ferry/remotes/tls-string", { hosts: [wrong], tls: { verify: "false" } })).status).toBe(400);
  });
});
