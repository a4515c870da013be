/**
 * Ferry's Go template engine: External Secrets Operator's own template package compiled to WebAssembly
 * (tools/template-wasm, ADR 0009), run in a worker thread. It knows nothing of Kubernetes: it executes ESO's
 * template steps over a data map and returns the rendered parts or a redacted error.
 *
 * Tenant templates are bounded: each call has a deadline after which the worker is terminated (a Go template
 * can loop forever — `{{ range 10000000000 }}`), output is capped, and an instance whose heap has grown past a
 * limit is replaced. Calls run one at a time, so a runaway template delays others by at most the deadline.
 */
import { readFile } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { WorkerCall, WorkerInit, WorkerMessage } from "./engine-worker.ts";
import { resolveEnginePath } from "./engine-path.ts";
import { fromBase64, toBase64, type WireRequest, type WireResponse, type WireStep } from "./protocol.ts";
import { redactValues } from "./redact.ts";

export type TemplateScope = "Values" | "KeysAndValues";
export type TemplateTarget = "Data" | "Labels" | "Annotations";

/** One ESO ExecFunc call: every template in `templates` applied in `scope` to `target`. */
export interface TemplateStep {
  templates: Readonly<Record<string, string | Uint8Array>>;
  scope: TemplateScope;
  target: TemplateTarget;
}

/** The parts of a Secret templates write; `data` values are bytes. */
export interface RenderedParts {
  data: Record<string, Uint8Array>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export type TemplateFailureKind = "template" | "timeout" | "crashed";

export interface TemplateFailure {
  kind: TemplateFailureKind;
  /** ESO's error text (template name, position, cause) with every data value redacted. */
  message: string;
  /** Index of the failing step, when one did. */
  step?: number;
}

export type ExecuteOutcome = { ok: true; parts: RenderedParts } | { ok: false; failure: TemplateFailure };

export interface TemplateEngineOptions {
  wasmPath?: string;
  /** Longest one call may run before its worker is terminated. */
  deadlineMs?: number;
  /**
   * The linear memory size past which the instance is replaced after a call. Go's heap in wasm grows its
   * linear memory and never gives it back, so one large render would otherwise stay in the process's RSS.
   */
  maxMemoryBytes?: number;
  /** Largest rendered output (data + labels + annotations) one call may produce. */
  maxOutputBytes?: number;
}

export const DEFAULT_DEADLINE_MS = 2_000;
// The engine starts at 9 MiB of linear memory and stays near 14 MiB on ordinary templates; derivePassword's
// scrypt (32 MiB) takes it to 47 MiB, still under this. Past it the next call pays a worker restart (ADR 9).
const DEFAULT_MAX_MEMORY_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

interface Pending {
  call: WorkerCall;
  resolve(response: WireResponse | TemplateFailure): void;
}

export class TemplateEngine {
  readonly #options: Required<TemplateEngineOptions>;
  #module: Promise<WebAssembly.Module> | undefined;
  #worker: Promise<Worker> | undefined;
  #queue: Pending[] = [];
  #inFlight: (Pending & { timer: NodeJS.Timeout }) | undefined;
  #nextId = 1;
  #workersStarted = 0;
  #starting = false;
  #closed = false;

  constructor(options: TemplateEngineOptions = {}) {
    this.#options = {
      wasmPath: options.wasmPath ?? "",
      deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      maxMemoryBytes: options.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
      maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    };
  }

  /** How many worker instances this engine has started: 1 after the first call, +1 per replacement. */
  get workersStarted(): number {
    return this.#workersStarted;
  }

  /** Runs ESO's Execute for each step in order against one Secret that starts as `initial`. */
  async execute(steps: readonly TemplateStep[], data: Readonly<Record<string, Uint8Array>>, initial?: Partial<RenderedParts>): Promise<ExecuteOutcome> {
    const wireData: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) wireData[k] = toBase64(v);
    const request: WireRequest = {
      op: "execute",
      steps: steps.map((s): WireStep => ({ scope: s.scope, target: s.target, templates: mapValues(s.templates, (t) => toBase64(t)) })),
      data: wireData,
      secret: {
        data: initial?.data ? mapValues(initial.data, (v) => toBase64(v)) : null,
        labels: initial?.labels ?? null,
        annotations: initial?.annotations ?? null,
      },
      maxOutputBytes: this.#options.maxOutputBytes,
    };
    const response = await this.#call(request);
    const secretValues = Object.values(data);
    if (isFailure(response)) return { ok: false, failure: { ...response, message: redactValues(response.message, secretValues) } };
    if (response.error !== undefined) {
      const failure: TemplateFailure = { kind: "template", message: redactValues(response.error, secretValues) };
      if (response.step !== undefined) failure.step = response.step;
      return { ok: false, failure };
    }
    const s = response.secret ?? {};
    return {
      ok: true,
      parts: { data: mapValues(s.data ?? {}, fromBase64), labels: { ...(s.labels ?? {}) }, annotations: { ...(s.annotations ?? {}) } },
    };
  }

  /** The simple form (PushSecret, `ferry render`): each template rendered as a value against `data`. */
  async render(templates: Readonly<Record<string, string>>, data: Readonly<Record<string, Uint8Array>>): Promise<{ ok: true; data: Record<string, Uint8Array> } | { ok: false; failure: TemplateFailure }> {
    const steps: TemplateStep[] = Object.keys(templates)
      .sort()
      .map((k) => ({ scope: "Values", target: "Data", templates: { [k]: templates[k] ?? "" } }));
    const out = await this.execute(steps, data);
    return out.ok ? { ok: true, data: out.parts.data } : out;
  }

  /** Parses each template as ESO does before executing it: syntax errors and unknown functions, no data. */
  async parse(templates: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const response = await this.#call({ op: "parse", templates: mapValues(templates, (t) => toBase64(t)) });
    if (isFailure(response)) throw new Error(`template engine: ${response.message}`);
    if (response.error !== undefined) throw new Error(response.error);
    return response.parseErrors ?? {};
  }

  /** Every function name a template may call. */
  async functions(): Promise<string[]> {
    const response = await this.#call({ op: "functions" });
    if (isFailure(response)) throw new Error(`template engine: ${response.message}`);
    return response.functions ?? [];
  }

  /** Stops the worker; pending calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    for (const p of this.#queue.splice(0)) p.resolve({ kind: "crashed", message: "template engine closed" });
    if (this.#inFlight) {
      clearTimeout(this.#inFlight.timer);
      this.#inFlight.resolve({ kind: "crashed", message: "template engine closed" });
      this.#inFlight = undefined;
    }
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }

  #call(request: WireRequest): Promise<WireResponse | TemplateFailure> {
    if (this.#closed) return Promise.resolve({ kind: "crashed", message: "template engine closed" });
    return new Promise((resolve) => {
      this.#queue.push({ call: { id: this.#nextId++, request }, resolve });
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#starting || this.#inFlight || this.#queue.length === 0 || this.#closed) return;
    const next = this.#queue.shift()!;
    // Claimed synchronously: a second #pump before the worker is ready must not send a second call.
    this.#starting = true;
    void this.#ensureWorker().then(
      (worker) => {
        this.#starting = false;
        const timer = setTimeout(() => this.#expire(), this.#options.deadlineMs);
        this.#inFlight = { ...next, timer };
        worker.ref();
        worker.postMessage(next.call);
      },
      (err: unknown) => {
        this.#starting = false;
        next.resolve({ kind: "crashed", message: `template engine unavailable: ${err instanceof Error ? err.message : String(err)}` });
        this.#worker = undefined;
        this.#pump();
      },
    );
  }

  #expire(): void {
    const current = this.#inFlight;
    if (!current) return;
    this.#inFlight = undefined;
    this.#restart();
    current.resolve({ kind: "timeout", message: `template rendering did not finish within ${this.#options.deadlineMs}ms and was stopped` });
    this.#pump();
  }

  #onMessage(worker: Worker, message: WorkerMessage): void {
    if (message.kind !== "result" && message.kind !== "crashed") return;
    const current = this.#inFlight;
    if (!current || current.call.id !== message.id) return;
    clearTimeout(current.timer);
    this.#inFlight = undefined;
    if (message.kind === "crashed") {
      this.#restart(worker);
      current.resolve({ kind: "crashed", message: `template engine stopped: ${message.error}` });
    } else {
      if (message.recycle) this.#restart(worker);
      current.resolve(message.response);
    }
    // An idle engine must not keep the process alive; a busy one must (see #pump).
    if (this.#queue.length === 0) worker.unref();
    this.#pump();
  }

  #restart(_worker?: Worker): void {
    const old = this.#worker;
    this.#worker = undefined;
    if (old) void old.then((w) => w.terminate(), () => undefined);
  }

  #ensureWorker(): Promise<Worker> {
    this.#worker ??= this.#startWorker();
    return this.#worker;
  }

  async #startWorker(): Promise<Worker> {
    this.#module ??= readFile(this.#options.wasmPath || resolveEnginePath()).then((bytes) => WebAssembly.compile(bytes));
    const module = await this.#module;
    const init: WorkerInit = { module, maxMemoryBytes: this.#options.maxMemoryBytes };
    const worker = new Worker(new URL("./engine-worker.ts", import.meta.url), { workerData: init });
    this.#workersStarted++;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.kind === "ready") {
          worker.off("message", onMessage);
          resolve();
        } else if (m.kind === "failed") reject(new Error(m.error));
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`template engine worker exited (${code}) while starting`)));
    });
    worker.on("message", (m: WorkerMessage) => this.#onMessage(worker, m));
    worker.on("error", () => undefined);
    return worker;
  }
}

function isFailure(r: WireResponse | TemplateFailure): r is TemplateFailure {
  return "kind" in r;
}

function mapValues<A, B>(record: Readonly<Record<string, A>>, f: (a: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const [k, v] of Object.entries(record)) out[k] = f(v);
  return out;
}

let shared: TemplateEngine | undefined;

/** The process-wide engine: started on first use, so processes that never render pay nothing for it. */
export function sharedTemplateEngine(): TemplateEngine {
  shared ??= new TemplateEngine();
  return shared;
}
