// Runs ferry as a real process (`node --import tsx api/main.ts`) and waits for its listening line. The
// process dies with the one that started it, even when that one is killed. Used by tests (through
// ferry-process.ts), the demo and the benchmarks, so it must not depend on the test runner.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface FerryProcess {
  url: string;
  pid: number;
  /** A JSON request to this ferry; a string body is sent as it is (for malformed-JSON cases). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if ferry has not exited within 10 s; resolves once it has exited. */
  stop(): Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

// Folders made for ferry's SQLite files. Nothing else knows when a ferry (or the next one started on the
// same file) is done with one, so they go when their owner says so (`removeFerryDirs`, called after each
// test file) or, at the latest, when this process exits.
const ferryDirs = new Set<string>();

/** A new, empty folder for a ferry database, removed by `removeFerryDirs` or when this process exits. */
export function newFerryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ferry-process-"));
  if (ferryDirs.size === 0) process.once("exit", removeFerryDirs);
  ferryDirs.add(dir);
  return dir;
}

/** Removes every folder `newFerryDir` made so far; ferries using them must have stopped. */
export function removeFerryDirs(): void {
  for (const dir of ferryDirs) rmSync(dir, { recursive: true, force: true });
  ferryDirs.clear();
  process.off("exit", removeFerryDirs);
}

/** The environment of a ferry in front of `follower`, with `leader` as remote `leader-cluster`, a free
 * port, its own new SQLite file (FERRY_DB_CREATE: nothing was there before), the shared snapshot path,
 * and a secret key of its own (remotes registered with a password need one). */
export function ferryEnvFor(clusters: { leader: string; follower: string; repoPath: string }): Record<string, string> {
  return {
    FERRY_PORT: "0",
    FERRY_DB: join(newFerryDir(), "ferry.db"),
    FERRY_DB_CREATE: "true",
    FERRY_FOLLOWER_URL: clusters.follower,
    FERRY_REMOTES: JSON.stringify({ "leader-cluster": { hosts: [clusters.leader] } }),
    FERRY_SNAPSHOT_PATH: clusters.repoPath,
    FERRY_SECRET_KEY: randomBytes(32).toString("base64"),
  };
}

/** Kills ferry if the process that started it goes away first, however it goes. */
function tieToThisProcess(child: ChildProcess): void {
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));
  // The exit hook does not run on SIGKILL; a detached watcher covers that case.
  const watcher = spawn("sh", ["-c", `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -KILL ${child.pid} 2>/dev/null`], {
    detached: true, stdio: "ignore",
  });
  watcher.unref();
}

/**
 * Starts ferry with exactly `env` (over this process's environment). Its log goes to this process's
 * stderr when `showLog` is set; otherwise the tail is kept for the error when ferry fails to start, each
 * line goes to `onLog` (stdout's lines too), and the whole log is appended to `logFile` when given.
 * `command` runs another build of ferry (the packed release) in `cwd`.
 */
export async function spawnFerry(env: Record<string, string>, options: {
  showLog?: boolean;
  onLog?: (line: string) => void;
  logFile?: string;
  command?: { file: string; args: string[]; cwd: string };
} = {}): Promise<FerryProcess> {
  const command = options.command ?? { file: process.execPath, args: ["--import", "tsx", "api/main.ts"], cwd: root };
  const child = spawn(command.file, command.args, {
    cwd: command.cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", options.showLog ? "inherit" : "pipe"],
  });
  tieToThisProcess(child);

  if (options.logFile && child.stderr) child.stderr.pipe(createWriteStream(options.logFile, { flags: "a" }));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // Fault tests time their kills by what ferry logs (a bootstrap step, a reconciliation).
  if (options.onLog && child.stderr) createInterface({ input: child.stderr }).on("line", options.onLog);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ferry did not listen within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      options.onLog?.(line);
      try {
        const message = JSON.parse(line) as { ferry?: string; url?: string };
        if (message.ferry === "listening" && message.url) {
          clearTimeout(timer);
          resolve(message.url);
        }
      } catch {
        // Only the listening line is JSON; anything else is ferry's log.
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ferry exited (${signal ?? code}) before listening; stderr: ${stderr}`));
    });
  });

  return {
    url,
    pid: child.pid!,
    async call(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
      });
      return { status: res.status, body: await res.json() };
    },
    kill: (signal = "SIGKILL") => {
      child.kill(signal);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
