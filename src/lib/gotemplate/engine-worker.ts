/**
 * Worker-thread entry of the template engine: owns one wasm instance and answers requests one at a time.
 * The parent terminates this thread when a render passes its deadline, which is the only way to stop a Go
 * template that loops; nothing here needs to cooperate with that.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { WireRequest } from "./protocol.ts";
import { WasmInstance } from "./wasm-instance.ts";

export interface WorkerInit {
  module: WebAssembly.Module;
  maxMemoryBytes: number;
}

export interface WorkerCall {
  id: number;
  request: WireRequest;
}

export type WorkerMessage =
  | { kind: "ready" }
  | { kind: "failed"; error: string }
  | { kind: "result"; id: number; response: import("./protocol.ts").WireResponse; recycle: boolean }
  | { kind: "crashed"; id: number; error: string };

const port = parentPort;
if (!port) throw new Error("engine-worker.ts must run in a worker thread");
const init = workerData as WorkerInit;

try {
  const instance = await WasmInstance.instantiate(init.module);
  port.on("message", (call: WorkerCall) => {
    let message: WorkerMessage;
    try {
      const response = instance.call(call.request);
      message = { kind: "result", id: call.id, response, recycle: instance.memoryBytes > init.maxMemoryBytes };
    } catch (err) {
      // A trap (Go runtime fatal error such as out of memory) leaves the instance unusable.
      message = { kind: "crashed", id: call.id, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(message);
  });
  port.postMessage({ kind: "ready" } satisfies WorkerMessage);
} catch (err) {
  port.postMessage({ kind: "failed", error: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
}
