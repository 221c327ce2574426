import { describe, expect, it } from "vitest";
import { cpuSeconds, MACHINE, machineBusySeconds, others, parsePidStat, parseProcStat } from "./procfs.ts";

// A JVM's /proc/<pid>/stat: utime 15234 and stime 2101 ticks are fields 14 and 15.
const JAVA_STAT = "48213 (java) S 48190 48190 48190 0 -1 1077936384 512345 0 12 0 15234 2101 0 0 20 0 131 0 9001234 4831838208 301234 18446744073709551615 1 1 0 0 0 0 0 16781312 16796931 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

describe("parsePidStat", () => {
  it("reads the command name and utime + stime in clock ticks", () => {
    expect(parsePidStat(JAVA_STAT)).toEqual({ name: "java", ticks: 15234 + 2101 });
  });

  it("finds the fields after the last parenthesis when the name holds spaces and parentheses", () => {
    // A thread name as Node names its workers, with a ") " inside that would fool a split on spaces.
    const text = JAVA_STAT.replace("(java)", "(Worker ) (1) x)");
    expect(parsePidStat(text)).toEqual({ name: "Worker ) (1) x", ticks: 17335 });
  });

  it("refuses text that is not a stat line", () => {
    expect(() => parsePidStat("Name:\tjava\nState:\tS\n")).toThrow(/not a \/proc stat line/);
  });

  it("reads this process's own stat: a live CPU time that does not run backwards", () => {
    const a = cpuSeconds(process.pid);
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += i;
    expect(x).toBeGreaterThan(0);
    expect(cpuSeconds(process.pid)).toBeGreaterThanOrEqual(a);
  });
});

describe("parseProcStat", () => {
  const PROC_STAT = [
    "cpu  1000 50 300 8000 400 10 20 5 70 0",
    "cpu0 500 25 150 4000 200 5 10 3 35 0",
    "cpu1 500 25 150 4000 200 5 10 2 35 0",
    "intr 123456 0 0",
    "ctxt 987654",
    "",
  ].join("\n");

  it("counts user, nice, system, irq, softirq and steal as busy; idle and iowait not; guest is inside user", () => {
    // total = 1000 + 50 + 300 + 8000 + 400 + 10 + 20 + 5 (guest columns left out)
    expect(parseProcStat(PROC_STAT)).toEqual({ busy: 1000 + 50 + 300 + 10 + 20 + 5, total: 9785 });
  });

  it("uses the aggregate line, not a per-CPU one", () => {
    expect(parseProcStat(PROC_STAT.replace(/^cpu  .*\n/, "cpu  1 0 0 1 0 0 0 0 0 0\n")).busy).toBe(1);
  });

  it("refuses text without the aggregate line", () => {
    expect(() => parseProcStat("cpu0 1 2 3 4\n")).toThrow(/no aggregate cpu line/);
  });

  it("reads the machine's /proc/stat", () => {
    expect(machineBusySeconds()).toBeGreaterThan(0);
  });
});

describe("others", () => {
  it("is the machine's busy CPU outside the named processes, never below zero", () => {
    expect(others({ leader: 2, follower: 1.5, ferry: 0.5, [MACHINE]: 7 })).toBe(3);
    // Sampling the machine and the processes a moment apart can leave the processes a little ahead.
    expect(others({ leader: 2, [MACHINE]: 1.9 })).toBe(0);
  });
});
