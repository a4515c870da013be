#!/usr/bin/env node
// The `ferry` command: the entry points (controller, …) and tools users reach for.
import { Command } from "commander";
import { controllerCommand, prepareControllerArgv } from "./controller-command.ts";
import { webhookCommand } from "./webhook-command.ts";
import { csiProviderCommand } from "./csi-provider-command.ts";
import { statusCommand } from "./status-command.ts";
import { validateCommand } from "./validate-command.ts";
import { getCommand } from "./get-command.ts";
import { renderCommand } from "./render-command.ts";

const program = new Command()
  .name("ferry")
  .description("AWS Secrets Manager and SSM Parameter Store into Kubernetes: ESO-compatible sync, ASCP-compatible mount, write-through.")
  .showHelpAfterError()
  .addCommand(controllerCommand())
  .addCommand(webhookCommand())
  .addCommand(csiProviderCommand())
  .addCommand(statusCommand())
  .addCommand(validateCommand())
  .addCommand(getCommand())
  .addCommand(renderCommand());

await program.parseAsync(prepareControllerArgv(process.argv));
