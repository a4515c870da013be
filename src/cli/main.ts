#!/usr/bin/env node
// The `ferry` command: the entry points (controller, …) and tools users reach for.
import { Command } from "commander";

/**
 * Each command's module, loaded only when that command runs (or for help): a long-running process holds only
 * its own code, e.g. the controller never loads the CSI provider's gRPC stack or the webhook server (ADR 13).
 */
const commands: Record<string, () => Promise<Command>> = {
  controller: async () => (await import("./controller-command.ts")).controllerCommand(),
  webhook: async () => (await import("./webhook-command.ts")).webhookCommand(),
  "csi-provider": async () => (await import("./csi-provider-command.ts")).csiProviderCommand(),
  status: async () => (await import("./status-command.ts")).statusCommand(),
  validate: async () => (await import("./validate-command.ts")).validateCommand(),
  get: async () => (await import("./get-command.ts")).getCommand(),
  render: async () => (await import("./render-command.ts")).renderCommand(),
};

/** The commands to load for this argv: the one named first, or all of them (help, an unknown name). */
function commandsToLoad(argv: readonly string[]): string[] {
  const named = argv.slice(2).find((a) => !a.startsWith("-"));
  return named !== undefined && named in commands ? [named] : Object.keys(commands);
}

let argv = process.argv;
const load = commandsToLoad(argv);
const program = new Command()
  .name("ferry")
  .description("AWS Secrets Manager and SSM Parameter Store into Kubernetes: ESO-compatible sync, ASCP-compatible mount, write-through.")
  .showHelpAfterError();
for (const name of load) program.addCommand(await commands[name]!());
if (load.includes("controller")) argv = (await import("./controller-command.ts")).prepareControllerArgv(argv);

await program.parseAsync(argv);
