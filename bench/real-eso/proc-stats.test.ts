import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseProcStatCpuTicks, parseProcStatus, readCpuSeconds, readMemory } from "./proc-stats.ts";

const status = (rssKb: number, hwmKb: number) =>
  `Name:\tnode\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 1234567 kB\nVmHWM:\t  ${hwmKb} kB\nVmRSS:\t  ${rssKb} kB\nRssAnon:\t  100 kB\nThreads:\t11\n`;

describe("parseProcStatus", () => {
  test("VmRSS and VmHWM in bytes", () => {
    assert.deepEqual(parseProcStatus(status(150_000, 160_000)), { rssBytes: 150_000 * 1024, peakRssBytes: 160_000 * 1024 });
  });
  test("no VmRSS line (a kernel thread, an exited process) → an error naming the field", () => {
    assert.throws(() => parseProcStatus("Name:\tkthreadd\nState:\tS\n"), /no VmHWM line|no VmRSS line/);
  });
});

describe("parseProcStatCpuTicks", () => {
  // Fields after the command: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
  const stat = (comm: string, utime: number, stime: number) => `4242 (${comm}) S 1 4242 4242 0 -1 4194560 900 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 3300 1000000 5000`;
  const cases: Array<{ name: string; comm: string; ticks: number }> = [
    { name: "a plain command", comm: "node", ticks: 150 + 25 },
    { name: "spaces in the command", comm: "external secrets", ticks: 150 + 25 },
    { name: "parentheses in the command", comm: "a) S 9 9 (b", ticks: 150 + 25 },
  ];
  for (const c of cases) {
    test(`utime + stime: ${c.name}`, () => assert.equal(parseProcStatCpuTicks(stat(c.comm, 150, 25)), c.ticks));
  }
  test("a truncated line → an error", () => {
    assert.throws(() => parseProcStatCpuTicks("4242 (node) S 1 2"), /too short/);
  });
});

describe("reading this process", () => {
  test("its RSS is positive and its CPU time grows", () => {
    const memory = readMemory(process.pid);
    assert.ok(memory.rssBytes > 0 && memory.peakRssBytes >= memory.rssBytes);
    const before = readCpuSeconds(process.pid);
    const until = Date.now() + 50;
    while (Date.now() < until) Math.sqrt(Math.random()); // Busy, so at least a few ticks pass.
    assert.ok(readCpuSeconds(process.pid) > before);
  });
});
