import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/**
 * A named set of processes: one pid (all its threads), or a parent and its direct children (the
 * postmaster and its backends; backends call setsid(), so a process group would miss them).
 */
export type ProcessSelector = { pid: number } | { withChildren: number };

export interface CpuUsage {
  /** Cores used by each named group over the interval (2.0 = both cores of a 2-core box). */
  groups: Record<string, number>;
  /** Busy cores not explained by the groups: other processes on the machine, steal. */
  other: number;
  idle: number;
  cores: number;
}

/**
 * Starts measuring CPU from /proc (Linux only; elsewhere the result is null). Call the returned
 * function at the end of the interval. Used to tell what limits a run: with 2 cores shared by
 * the load generator, Node and PostgreSQL, "CPU saturated" is the usual answer.
 */
export function startCpuSample(selectors: Record<string, ProcessSelector>): () => CpuUsage | null {
  const before = snapshot(selectors);
  return () => {
    const after = snapshot(selectors);
    if (!before || !after) return null;
    const total = after.total - before.total;
    if (total <= 0) return null;
    const cores = availableParallelism();
    const toCores = (ticks: number) => (ticks / total) * cores;
    const groups: Record<string, number> = {};
    let explained = 0;
    for (const name of Object.keys(selectors)) {
      // Per pid: a process that started during the interval counts from zero; one that exited
      // (e.g. an autovacuum worker) is lost and shows up under "other".
      let ticks = 0;
      for (const [pid, now] of after.groups[name] ?? [])
        ticks += Math.max(0, now - (before.groups[name]?.get(pid) ?? 0));
      groups[name] = toCores(ticks);
      explained += ticks;
    }
    const idle = after.idle - before.idle;
    return { groups, other: Math.max(0, toCores(total - idle - explained)), idle: toCores(idle), cores };
  };
}

interface Snapshot {
  total: number;
  idle: number;
  /** Per group: pid -> CPU ticks so far. */
  groups: Record<string, Map<number, number>>;
}

function snapshot(selectors: Record<string, ProcessSelector>): Snapshot | null {
  try {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
    const groups: Record<string, Map<number, number>> = {};
    const needsScan = Object.values(selectors).some((s) => "withChildren" in s);
    const stats = needsScan ? allProcessStats() : [];
    for (const [name, selector] of Object.entries(selectors)) {
      const members =
        "pid" in selector
          ? [processStat(selector.pid) ?? { pid: selector.pid, ppid: 0, ticks: 0 }]
          : stats.filter((s) => s.pid === selector.withChildren || s.ppid === selector.withChildren);
      groups[name] = new Map(members.map((s) => [s.pid, s.ticks]));
    }
    return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait, groups };
  } catch {
    return null;
  }
}

interface ProcessStat {
  pid: number;
  ppid: number;
  /** utime + stime of the whole thread group, in clock ticks. */
  ticks: number;
}

function allProcessStats(): ProcessStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => processStat(Number(name)) ?? []);
}

function processStat(pid: number): ProcessStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses; the fields after the last ")" do not.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // exited meanwhile
  }
}
