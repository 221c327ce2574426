// CPU time from /proc: what a JVM or ferry spent, and what the whole machine spent (other sessions share
// it), sampled before and after a window. The parsers take the files' text so they can be tested on samples.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** A /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat line: the command name and utime + stime in clock
 * ticks (all threads, for a process). */
export function parsePidStat(text: string): { name: string; ticks: number } {
  // The command name (field 2) may hold spaces and parentheses; the fields after its last closing
  // parenthesis start at field 3, so utime and stime (fields 14 and 15) are the 12th and 13th there.
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).trim().split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (close < 0 || !Number.isFinite(ticks)) throw new Error(`not a /proc stat line: ${text.slice(0, 120)}`);
  return { name: text.slice(text.indexOf("(") + 1, close), ticks };
}

/** /proc/stat's aggregate `cpu` line: clock ticks the machine's CPUs were busy and in all. Guest time is
 * already inside user time; idle and iowait are not busy. */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split("\n").find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error("no aggregate cpu line in /proc/stat");
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = [user, nice, system, idle, iowait, irq, softirq, steal].reduce((a: number, b) => a + (b ?? 0), 0);
  return { busy: total - (idle ?? 0) - (iowait ?? 0), total };
}

/** utime + stime of the process, all its threads included, in seconds. */
export function cpuSeconds(pid: number): number {
  return parsePidStat(readFileSync(`/proc/${pid}/stat`, "utf8")).ticks / CLOCK_TICK;
}

/** CPU-seconds all the machine's CPUs were busy, whoever ran. */
export function machineBusySeconds(): number {
  return parseProcStat(readFileSync("/proc/stat", "utf8")).busy / CLOCK_TICK;
}

/** The key under which `CpuMeter.diff` reports the machine's busy CPU-seconds. */
export const MACHINE = "machine";

/** CPU seconds of named groups of processes (a cluster's JVMs sum), each read now; `diff` gives what each
 * spent since, and under MACHINE what the whole machine did. */
export class CpuMeter {
  private readonly start: Record<string, number>;

  constructor(private readonly pids: Record<string, number[]>) {
    this.start = this.read();
  }

  private read(): Record<string, number> {
    const out = Object.fromEntries(Object.entries(this.pids).map(([name, ids]) => [name, ids.reduce((acc, pid) => acc + cpuSeconds(pid), 0)]));
    return { ...out, [MACHINE]: machineBusySeconds() };
  }

  diff(): Record<string, number> {
    const now = this.read();
    return Object.fromEntries(Object.entries(now).map(([name, s]) => [name, s - this.start[name]!]));
  }
}

/** Busy CPU-seconds of the machine outside the named processes (other sessions' clusters and tests). */
export function others(spent: Record<string, number>): number {
  const ours = Object.entries(spent).filter(([k]) => k !== MACHINE).reduce((acc, [, v]) => acc + v, 0);
  return Math.max(0, (spent[MACHINE] ?? 0) - ours);
}

function threadCpu(pid: number, tid: string): { name: string; cpu: number } | undefined {
  try {
    const { name, ticks } = parsePidStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
    return { name, cpu: ticks / CLOCK_TICK };
  } catch {
    // The thread ended between listing and reading.
    return undefined;
  }
}

export interface ThreadReport {
  /** Threads that began during the window. */
  created: number;
  /** CPU seconds by thread name (Linux comm), threads that ended included as last sampled. */
  cpuByName: Record<string, number>;
  /** CPU seconds of the threads that began and ended within the window (short-lived workers). */
  endedCpu: number;
}

/** Samples a process's threads every `everyMs`: how many come and go, and what each kind costs. Worker
 * threads that a pool starts and ends are invisible in the process's total. */
export class ThreadSampler {
  private readonly baseline = new Map<string, number>();
  private readonly last = new Map<string, { name: string; cpu: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 100) {
    for (const [tid, t] of this.read()) {
      this.baseline.set(tid, t.cpu);
      this.last.set(tid, t);
    }
    this.timer = setInterval(() => {
      for (const [tid, t] of this.read()) this.last.set(tid, t);
    }, everyMs);
  }

  private read(): Map<string, { name: string; cpu: number }> {
    const out = new Map<string, { name: string; cpu: number }>();
    try {
      for (const tid of readdirSync(`/proc/${this.pid}/task`)) {
        const t = threadCpu(this.pid, tid);
        if (t) out.set(tid, t);
      }
    } catch {
      // The process is gone.
    }
    return out;
  }

  stop(): ThreadReport {
    clearInterval(this.timer);
    const alive = this.read();
    for (const [tid, t] of alive) this.last.set(tid, t);
    const report: ThreadReport = { created: 0, cpuByName: {}, endedCpu: 0 };
    for (const [tid, t] of this.last) {
      const spent = t.cpu - (this.baseline.get(tid) ?? 0);
      report.cpuByName[t.name] = (report.cpuByName[t.name] ?? 0) + spent;
      if (!this.baseline.has(tid)) {
        report.created++;
        if (!alive.has(tid)) report.endedCpu += spent;
      }
    }
    return report;
  }
}
