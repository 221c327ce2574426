// The release as an operator gets it: `npm pack` (which builds dist/), the tarball installed into an empty
// directory, and its `ferry` command run there with Node alone — no sources, no tsx — against the test
// bed: a replication started, followed by the compiled workers, summarised by `ferry status`, stopped.
// Prints the packed ferry's startup time and idle RSS (measured, not asserted: the machine is shared).
import { execFile } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { os } from "../support/documents.ts";
import { testbedFerryEnv, type FerryProcess } from "../support/ferry-process.ts";
import { spawnFerry } from "../support/ferry-spawn.ts";
import { until } from "../support/until.ts";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** Resident set size of a live process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Math.round(Number(line?.match(/\d+/)?.[0]) / 1024);
}

describe("the packed ferry command", () => {
  const work = mkdtempSync(join(tmpdir(), "ferry-pack-"));
  const app = join(work, "app");
  const ferryBin = join(app, "node_modules", ".bin", "ferry");
  const ferryCli = (args: string[], env: Record<string, string> = {}) =>
    run(ferryBin, args, { cwd: app, env: { ...process.env, ...env } });
  let ferry: FerryProcess | undefined;

  beforeAll(async () => {
    // prepack builds dist/ first.
    await run("npm", ["pack", "--pack-destination", work], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack left no tarball in ${work}`);

    mkdirSync(app);
    // An operator's empty project; better-sqlite3 may run its install script (it compiles when no prebuilt
    // binary can be downloaded).
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "ferry-install", private: true, allowScripts: { "better-sqlite3": true } }));
    // node-gyp compiles against the installed Node's headers, as .ci/run does for the repository.
    const nodePrefix = dirname(dirname(process.execPath));
    const nodedir = existsSync(join(nodePrefix, "include", "node")) ? { npm_config_nodedir: nodePrefix } : {};
    const started = Date.now();
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, tarball)], {
      cwd: app, env: { ...process.env, ...nodedir }, maxBuffer: 16 * 1024 * 1024,
    });
    console.log(`[release] npm pack + install of ${tarball} into an empty directory: install took ${Math.round((Date.now() - started) / 1000)} s`);
  }, INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    await ferry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("installs only what runs: compiled code, no TypeScript loader or sources", () => {
    const installed = join(app, "node_modules", "ferry");
    expect(existsSync(join(installed, "dist", "api", "main.js"))).toBe(true);
    expect(existsSync(join(installed, "dist", "workers", "shard-follow.js"))).toBe(true);
    expect(existsSync(join(installed, "api"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "typescript"))).toBe(false);
  });

  it("ferry --help names its commands", async () => {
    const { stdout } = await ferryCli(["--help"]);
    expect(stdout).toMatch(/^Usage: ferry/);
    expect(stdout).toContain("start");
    expect(stdout).toContain("status [index]");
  });

  it("ferry start replicates through its HTTP API; ferry status summarises it", async () => {
    const { leader, follower } = inject("testbed");
    const index = `pack-${Date.now()}`;
    await os(leader, "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await os(leader, "PUT", `/${index}/_doc/before-start?refresh=true`, { at: "bootstrap" });

    const spawned = Date.now();
    ferry = await spawnFerry(testbedFerryEnv(), { command: { file: ferryBin, args: ["start"], cwd: app } });
    const startupMs = Date.now() - spawned;
    const idleRss = rssMiB(ferry.pid);

    const start = await ferry.call("PUT", `/_plugins/_replication/${index}/_start?wait_for_restore=true`,
      { leader_alias: "leader-cluster", leader_index: index });
    expect(start).toEqual({ status: 200, body: { acknowledged: true } });
    // The bootstrap restores the first document; the next one only the compiled shard-follow worker copies.
    await os(leader, "PUT", `/${index}/_doc/after-start`, { at: "following" });
    await until("the document written after start on the follower", async () =>
      (await os(follower, "GET", `/${index}/_doc/after-start`))?.found === true, 120_000);
    expect((await os(follower, "GET", `/${index}/_doc/before-start`))?.found).toBe(true);

    const { stdout: one } = await ferryCli(["status", index], { FERRY_URL: ferry.url });
    expect(one).toContain(`${index}: SYNCING`);
    expect(one).toMatch(/checkpoints: leader -?\d+, follower -?\d+/);
    const { stdout: all } = await ferryCli(["status", "--url", ferry.url]);
    expect(all).toMatch(/1 syncing/);
    expect(all).toContain(index);
    console.log(`[release] ferry status ${index}:\n${one}[release] ferry status:\n${all}`);
    const syncingRss = rssMiB(ferry.pid);

    expect(await ferry.call("POST", `/_plugins/_replication/${index}/_stop`, {})).toEqual({ status: 200, body: { acknowledged: true } });
    const { stdout: stopped } = await ferryCli(["status", index, "--url", ferry.url]);
    expect(stopped).toContain("REPLICATION NOT IN PROGRESS");

    console.log(`[release] packed ferry: startup ${startupMs} ms (spawn → listening line), RSS ${idleRss} MiB idle ` +
      `after start, ${syncingRss} MiB with one replication syncing`);
    await ferry.stop();
    ferry = undefined;
    await os(leader, "DELETE", `/${index}`);
    await os(follower, "DELETE", `/${index}`);
  });

  it("ferry status says in one line when no ferry answers", async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const err = await ferryCli(["status", "--url", `http://127.0.0.1:${port}`]).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr.trim()).toMatch(new RegExp(`^ferry: cannot reach ferry at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED\\b`));
  });
});
