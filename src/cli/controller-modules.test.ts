import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runRecordingClientNode } from "../runtime/testing/client-node-modules.ts";

/**
 * ADR 13: any value import of @kubernetes/client-node loads all its generated APIs and models, ~46 MiB of the
 * controller's RSS. The controller, and the user-facing commands built on the same client, must not load it
 * for an ordinary (certificate, token, in-cluster) kubeconfig; only an exec plugin or auth provider does.
 */
describe("commands that never load @kubernetes/client-node", () => {
  const modules = ["./controller-command.ts", "./status-command.ts", "./get-command.ts"];
  for (const module of modules) {
    test(`importing ${module} does not load it`, async () => {
      const url = new URL(module, import.meta.url).href;
      const { clientNodeModules } = await runRecordingClientNode(`await import(${JSON.stringify(url)}); return null;`);
      assert.deepEqual(clientNodeModules.slice(0, 3), [], "client-node was loaded");
    });
  }
});
