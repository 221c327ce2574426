// CPU time of a process from /proc: what a JVM or ferry spent, sampled before and after a window.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** utime + stime of the process, all its threads included, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK;
}

/** CPU seconds of named processes, each read now; `diff` gives what each spent since. */
export class CpuMeter {
  private readonly start: Record<string, number>;

  constructor(private readonly pids: Record<string, number>) {
    this.start = CpuMeter.read(pids);
  }

  private static read(pids: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  diff(): Record<string, number> {
    const now = CpuMeter.read(this.pids);
    return Object.fromEntries(Object.entries(now).map(([name, s]) => [name, s - this.start[name]!]));
  }
}

function threadCpu(pid: number, tid: string): { name: string; cpu: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), cpu: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK };
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
