// Whole-process figures read from /proc, the same numbers `ps` and /usr/bin/time -v show, so Ferry (node) and
// ESO (a Go binary) are measured the same way from outside the process.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

/** Resident and peak resident set size in bytes, from /proc/<pid>/status (VmRSS, VmHWM). */
export interface MemoryFigures {
  rssBytes: number;
  peakRssBytes: number;
}

/** Parses the `VmRSS:` and `VmHWM:` lines of /proc/<pid>/status (values in kB). */
export function parseProcStatus(text: string): MemoryFigures {
  const kb = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, "m").exec(text);
    if (!match) throw new Error(`/proc status has no ${field} line (a kernel thread or an exited process)`);
    return Number(match[1]) * 1024;
  };
  return { rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM") };
}

/**
 * User plus system CPU time in clock ticks, from /proc/<pid>/stat: fields 14 (utime) and 15 (stime). The
 * command name (field 2) is in parentheses and may contain spaces or parentheses, so fields are counted
 * from the last ')'.
 */
export function parseProcStatCpuTicks(text: string): number {
  const end = text.lastIndexOf(")");
  if (end < 0) throw new Error("/proc stat line has no command name");
  // After ") ": field 3 (state) is index 0, so utime (14) is index 11 and stime (15) index 12.
  const fields = text.slice(end + 2).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error("/proc stat line is too short");
  return utime + stime;
}

let ticksPerSecond: number | undefined;
/** The kernel's USER_HZ (almost always 100), asked once. */
export function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

export function readMemory(pid: number): MemoryFigures {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, "utf8"));
}

/** CPU seconds (user + system) the process has used so far. */
export function readCpuSeconds(pid: number): number {
  return parseProcStatCpuTicks(readFileSync(`/proc/${pid}/stat`, "utf8")) / clockTicksPerSecond();
}
