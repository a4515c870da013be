// The provider process as the driver meets it: `ferry csi-provider` listens on <--provider-volume>/<name>.sock
// (shared reference §1.3: the driver dials unix:<dir>/<provider>.sock), the socket is owner-only since the
// transport has no TLS ("secured only through filesystem ACLs"), and Version answers with the API version
// and the runtime's name and version.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { CsiProviderServer, loadProviderService } from "../../../src/mount/index.ts";
import { silentLogger } from "../../../src/runtime/logger.ts";
import { TestEnvironment, waitUntil } from "../../env/index.ts";

const node = process.execPath;
const main = join(import.meta.dirname, "../../../src/cli/main.ts");
const pkg = (await import("../../../package.json", { with: { type: "json" } })).default as { version: string };
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-csi-server-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function version(socket: string): Promise<{ version: string; runtime_name: string; runtime_version: string }> {
  const Client = loadProviderService();
  const client = new Client(`unix:${socket}`, grpc.credentials.createInsecure()) as unknown as grpc.Client & { Version: (req: unknown, cb: (err: Error | null, res: never) => void) => void };
  return new Promise((resolve, reject) => {
    client.Version({ version: "v1alpha1" }, (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    });
  });
}

describe("csi-provider server", () => {
  test("ferry csi-provider: socket <dir>/<name>.sock, owner-only, Version answers, SIGTERM removes the socket", async () => {
    const env = TestEnvironment.load();
    const volume = join(dir, "providers");
    const child = spawn(node, [main, "csi-provider", "--provider-volume", volume, "--kubeconfig", env.state.kubeconfig, "--health-addr", "127.0.0.1:0", "--log-level", "error"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const socket = join(volume, "ferry.sock");
    try {
      await waitUntil(`socket ${socket}`, () => existsSync(socket), { timeoutMs: 20_000 }).catch((err: unknown) => {
        throw new Error(`${String(err)}; stderr: ${stderr}`);
      });
      assert.equal((await stat(socket)).mode & 0o777, 0o600, "owner-only");
      assert.deepEqual(await version(socket), { version: "v1alpha1", runtime_name: "ferry", runtime_version: pkg.version });
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    assert.equal(existsSync(socket), false, "socket removed on shutdown");
  });

  test("--help documents the flags", async () => {
    const { stdout } = await promisify(execFile)(node, [main, "csi-provider", "--help"]);
    for (const flag of ["--provider-volume", "--provider-name", "--kubeconfig", "--node-name", "--service-account-cache-seconds", "--max-response-bytes", "--health-addr", "--log-level"]) {
      assert.match(stdout, new RegExp(flag), flag);
    }
    assert.match(stdout.replace(/\s+/g, " "), /default: "\/var\/run\/secrets-store-csi-providers"/);
  });

  test("a stale socket from a crashed run is replaced; a live one is not taken over", async () => {
    const socketPath = join(dir, "stale.sock");
    const options = { socketPath, runtimeName: "ferry", runtimeVersion: "0", logger: silentLogger, mount: () => Promise.reject(new Error("unused")) };
    const first = await CsiProviderServer.start(options);
    await assert.rejects(CsiProviderServer.start(options), /in use by another running provider/);
    // A crash leaves the file behind: simulate by closing the listener but keeping the path.
    await first.close();
    const { createServer } = await import("node:net");
    const leftover = createServer();
    await new Promise<void>((resolve) => leftover.listen(socketPath, resolve));
    await new Promise<void>((resolve) => leftover.close(() => resolve()));
    const second = await CsiProviderServer.start(options);
    try {
      assert.equal((await version(socketPath)).runtime_name, "ferry");
    } finally {
      await second.close();
    }
  });
});
