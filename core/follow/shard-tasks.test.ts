import { describe, expect, it } from "vitest";
import { RunningTasks } from "./shard-tasks.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("running tasks", () => {
  it("refuses a second task in a taken slot and frees the slot when the task ends", async () => {
    const tasks = new RunningTasks();
    const first = deferred();
    tasks.run("i", 0, () => first.promise);
    expect(tasks.busy("i", 0)).toBe(true);
    expect(tasks.busy("i", 1)).toBe(false);
    expect(() => tasks.run("i", 0, async () => undefined)).toThrow(/still running/);
    first.resolve();
    await tasks.settled("i");
    expect(tasks.busy("i")).toBe(false);
    tasks.run("i", 0, async () => undefined);
    await tasks.settled("i");
  });

  it("settles once the tasks running now ended, and can leave one slot out", async () => {
    const tasks = new RunningTasks();
    const shard = deferred();
    const metadata = deferred();
    tasks.run("i", 0, () => shard.promise);
    let settled = false;
    const waiting = tasks.settled("i", "metadata").then(() => (settled = true));
    tasks.run("i", "metadata", () => metadata.promise);
    await Promise.resolve();
    expect(settled).toBe(false);
    shard.resolve();
    await waiting;
    expect(tasks.busy("i", "metadata")).toBe(true);
    metadata.resolve();
    await tasks.settled("i");
    expect(tasks.busy("i")).toBe(false);
  });

  it("cancels the tasks of one index only", async () => {
    const tasks = new RunningTasks();
    const signals: Record<string, AbortSignal> = {};
    const end = deferred();
    tasks.run("a", 0, (signal) => ((signals.a = signal), end.promise));
    tasks.run("b", 0, (signal) => ((signals.b = signal), end.promise));
    tasks.cancel("a");
    expect(signals.a!.aborted).toBe(true);
    expect(signals.b!.aborted).toBe(false);
    end.resolve();
    await Promise.all([tasks.settled("a"), tasks.settled("b")]);
  });
});
