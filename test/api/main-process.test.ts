// ferry as a process: the listening line, a clean exit on SIGTERM and SIGINT, state that survives a
// restart, and a readable refusal of bad configuration.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startFerry, testbedFerryEnv } from "../support/ferry-process.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("api/main.ts", () => {
  it("keeps remotes registered through the API across a restart, and stops on SIGTERM", async () => {
    const env = testbedFerryEnv();
    const first = await startFerry(env);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const put = await fetch(`${first.url}/_ferry/remotes/kept`, { method: "PUT", headers: { "content-type": "application/json" }, body: '{"hosts":"http://127.0.0.1:9"}' });
    expect(put.status).toBe(200);
    await first.stop();
    expect(alive(first.pid)).toBe(false);

    const second = await startFerry(env);
    try {
      const res = await fetch(`${second.url}/_ferry/remotes/kept`);
      expect(await res.json()).toMatchObject({ alias: "kept", hosts: ["http://127.0.0.1:9"], source: "api" });
    } finally {
      await second.stop();
    }
  });

  it("exits on SIGINT", async () => {
    const ferry = await startFerry();
    ferry.kill("SIGINT");
    const deadline = Date.now() + 10_000;
    while (alive(ferry.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(ferry.pid)).toBe(false);
  });

  it("refuses bad configuration with a message and exit code 1", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "api/main.ts"], {
      env: { ...process.env, ...testbedFerryEnv(), FERRY_REMOTES: '{"x":{"hosts":["ftp://nope"]}}' },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("ferry: remote [x]: host [ftp://nope] must look like http(s)://host:port");
  });
});
