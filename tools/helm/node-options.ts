/**
 * The chart's default NODE_OPTIONS for a container memory limit (templates/_helpers.tpl "ferry.nodeOptions",
 * ADR 13), for processes started outside the chart the way the chart starts them: the memory benchmark and
 * tests. chart.test.ts checks the template renders the same.
 */
export function chartNodeOptions(memoryLimitMi: number | undefined): string[] {
  const options = ["--max-semi-space-size=2"];
  if (memoryLimitMi && memoryLimitMi > 0) options.push(`--max-old-space-size=${Math.floor((memoryLimitMi * 3) / 4)}`);
  return options;
}

/** The controller's memory limit in the chart's values.yaml. */
export const CONTROLLER_MEMORY_LIMIT_MI = 512;
