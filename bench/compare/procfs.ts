// CPU time of a process from /proc: what a JVM or ferry spent, sampled before and after a window.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

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
