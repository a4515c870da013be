import type { KubeConfig } from "./kube/kubeconfig.ts";
import { realClock, sleep, type Clock } from "./clock.ts";
import { jitter } from "./jitter.ts";
import { kubeRequest } from "./kube-request.ts";
import { errorFields, silentLogger, type Logger } from "./logger.ts";

/** A coordination.k8s.io/v1 Lease as raw JSON (times are MicroTime strings). */
export interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/**
 * Reads and writes one Lease. `create` and `update` fail with a `statusCode: 409` error on a conflict:
 * update sends the resourceVersion it read, so two candidates can never both win (optimistic concurrency).
 */
export interface LeaseClient {
  get(signal: AbortSignal): Promise<Lease | undefined>;
  create(lease: Lease, signal: AbortSignal): Promise<Lease>;
  update(lease: Lease, signal: AbortSignal): Promise<Lease>;
}

export function kubeLeaseClient(kubeConfig: KubeConfig, namespace: string, name: string): LeaseClient {
  const collection = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
  const item = `${collection}/${encodeURIComponent(name)}`;
  return {
    async get(signal) {
      try {
        return await kubeRequest<Lease>(kubeConfig, { method: "GET", path: item, signal });
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    create: (lease, signal) => kubeRequest<Lease>(kubeConfig, { method: "POST", path: collection, body: lease, signal }),
    update: (lease, signal) => kubeRequest<Lease>(kubeConfig, { method: "PUT", path: item, body: lease, signal }),
  };
}

export interface LeaderElectionOptions {
  namespace: string;
  /** The Lease's name, e.g. "ferry-controller". */
  name: string;
  /** Unique per replica (pod name plus a random suffix): two replicas with one identity would both lead. */
  identity: string;
  /** Required unless leaseClient is given. */
  kubeConfig?: KubeConfig;
  leaseClient?: LeaseClient;
  /** How long a lease is valid without renewal, from when a candidate last saw it change; default 15 s. */
  leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before it gives up leading; default 10 s. */
  renewDeadlineMs?: number;
  /** Between attempts; default 2 s. */
  retryPeriodMs?: number;
  /** Clear the holder on graceful stop so a standby takes over in one retryPeriod, not a leaseDuration; default true. */
  releaseOnStop?: boolean;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
}

export interface LeaderCallbacks {
  /**
   * Called once leadership is acquired. `signal` aborts when it ends. If it returns a promise, a graceful
   * stop waits for it before releasing the lease, so the next leader cannot start while this one still
   * writes; make it resolve once the work has wound down after the abort.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called when leadership ends (lost, or released on stop). Most processes exit here, as controller-runtime does. */
  onStoppedLeading(): void | Promise<void>;
  /** The observed holder changed (for logs). */
  onNewLeader?(identity: string): void;
}

/** client-go's JitterFactor: retries are spread up to 1.2 × retryPeriod later. */
const jitterFactor = 1.2;

/**
 * Lease-based leader election, after client-go's leaderelection package: candidates try to acquire the
 * Lease every retryPeriod; the leader renews it every retryPeriod and gives up leading if it cannot renew
 * within renewDeadline; a standby takes an unrenewed lease after leaseDuration measured on its own clock
 * from when it last saw the record change (immune to clock skew between nodes).
 */
export class LeaderElector {
  readonly #options: Required<Pick<LeaderElectionOptions, "namespace" | "name" | "identity" | "leaseDurationMs" | "renewDeadlineMs" | "retryPeriodMs" | "releaseOnStop">>;
  readonly #client: LeaseClient;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #leading = false;
  #observedRecord = "";
  #observedAt = 0;
  #observedHolder = "";
  #observedDurationMs = 0;

  constructor(options: LeaderElectionOptions) {
    this.#options = {
      namespace: options.namespace,
      name: options.name,
      identity: options.identity,
      leaseDurationMs: options.leaseDurationMs ?? 15_000,
      renewDeadlineMs: options.renewDeadlineMs ?? 10_000,
      retryPeriodMs: options.retryPeriodMs ?? 2_000,
      releaseOnStop: options.releaseOnStop ?? true,
    };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs, identity } = this.#options;
    // client-go's validation: otherwise a leader could lose the lease before it notices it cannot renew.
    if (!(leaseDurationMs > renewDeadlineMs)) throw new Error("leaseDuration must be greater than renewDeadline");
    if (!(renewDeadlineMs > jitterFactor * retryPeriodMs)) throw new Error("renewDeadline must be greater than 1.2 × retryPeriod");
    if (!identity) throw new Error("leader election needs a non-empty identity");
    if (!options.leaseClient && !options.kubeConfig) throw new Error("LeaderElector needs a kubeConfig or a leaseClient");
    this.#client = options.leaseClient ?? kubeLeaseClient(options.kubeConfig!, options.namespace, options.name);
    this.#clock = options.clock ?? realClock;
    this.#random = options.random ?? Math.random;
    this.#logger = (options.logger ?? silentLogger).child({ lease: `${options.namespace}/${options.name}`, identity });
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed on the Lease ("" when free or unknown). */
  get leader(): string {
    return this.#observedHolder;
  }

  /**
   * Campaigns until leadership is acquired, leads until it is lost or stop() is called, then resolves. It
   * does not campaign again: a replica that lost leadership should exit and start afresh.
   */
  run(callbacks: LeaderCallbacks): Promise<void> {
    if (this.#running) throw new Error("LeaderElector.run called twice");
    this.#running = this.#run(callbacks);
    return this.#running;
  }

  /** Ends the campaign or leadership; when leading, waits for onStartedLeading's work, then releases. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #run(callbacks: LeaderCallbacks): Promise<void> {
    const stop = this.#stop.signal;
    const { retryPeriodMs, renewDeadlineMs } = this.#options;

    this.#logger.info("campaigning for leadership");
    let acquired = false;
    while (!stop.aborted) {
      if (await this.#tryAcquireOrRenew(callbacks, retryPeriodMs, true)) {
        acquired = true;
        break;
      }
      await sleep(this.#clock, jitter(retryPeriodMs, jitterFactor, this.#random), stop);
    }
    if (!acquired) return;

    this.#leading = true;
    this.#logger.info("became leader");
    const leadership = new AbortController();
    const work = Promise.resolve()
      .then(() => callbacks.onStartedLeading(leadership.signal))
      .catch((err: unknown) => this.#logger.error(errorFields(err), "onStartedLeading failed"));

    let lost = false;
    renewing: while (!stop.aborted) {
      await sleep(this.#clock, retryPeriodMs, stop);
      const deadline = this.#clock.monotonic() + renewDeadlineMs;
      for (;;) {
        if (stop.aborted) break renewing;
        const remaining = deadline - this.#clock.monotonic();
        if (remaining > 0 && (await this.#tryAcquireOrRenew(callbacks, remaining, false))) break;
        if (this.#clock.monotonic() + retryPeriodMs > deadline || remaining <= 0) {
          lost = true;
          break renewing;
        }
        await sleep(this.#clock, retryPeriodMs, stop);
      }
    }

    this.#leading = false;
    leadership.abort(new Error(lost ? "leadership lost" : "leader election stopped"));
    if (lost) {
      this.#logger.error({ renewDeadlineMs }, "could not renew the lease in time; leadership lost");
    } else {
      await work;
      if (this.#options.releaseOnStop) await this.#release();
      this.#logger.info("stopped leading");
    }
    try {
      await callbacks.onStoppedLeading();
    } catch (err) {
      this.#logger.error(errorFields(err), "onStoppedLeading failed");
    }
  }

  /** One attempt to take or keep the lease; false when someone else holds it or the attempt failed. */
  async #tryAcquireOrRenew(callbacks: LeaderCallbacks, timeoutMs: number, abortOnStop: boolean): Promise<boolean> {
    const { identity, leaseDurationMs, namespace, name } = this.#options;
    const signal = this.#timeoutSignal(timeoutMs, abortOnStop);
    try {
      const now = this.#clock.now();
      const spec = { holderIdentity: identity, leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000), renewTime: microTime(now) };
      const current = await this.#client.get(signal.signal);
      if (!current) {
        const created = await this.#client.create(
          { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { namespace, name }, spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 } },
          signal.signal,
        );
        this.#observe(created, callbacks);
        return true;
      }
      this.#observe(current, callbacks);
      const holder = current.spec?.holderIdentity ?? "";
      if (holder !== "" && holder !== identity && this.#observedAt + this.#observedDurationMs > this.#clock.monotonic()) {
        return false; // held by someone else, and we saw it renewed recently
      }
      const transitions = current.spec?.leaseTransitions ?? 0;
      const updated = await this.#client.update(
        {
          ...current,
          spec: {
            ...current.spec,
            ...spec,
            acquireTime: holder === identity ? (current.spec?.acquireTime ?? microTime(now)) : microTime(now),
            leaseTransitions: holder === identity ? transitions : transitions + 1,
          },
        },
        signal.signal,
      );
      this.#observe(updated, callbacks);
      return true;
    } catch (err) {
      if (abortOnStop && this.#stop.signal.aborted) return false;
      if ((err as { statusCode?: number }).statusCode === 409) {
        this.#logger.debug("lease changed concurrently (409); retrying");
      } else {
        this.#logger.warn(errorFields(err), this.#leading ? "failed to renew the lease" : "failed to acquire the lease");
      }
      return false;
    } finally {
      signal.dispose();
    }
  }

  async #release(): Promise<void> {
    const signal = this.#timeoutSignal(this.#options.renewDeadlineMs, false);
    try {
      const current = await this.#client.get(signal.signal);
      if (!current || current.spec?.holderIdentity !== this.#options.identity) return;
      const now = microTime(this.#clock.now());
      await this.#client.update(
        { ...current, spec: { holderIdentity: "", leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: current.spec?.leaseTransitions ?? 0 } },
        signal.signal,
      );
      this.#logger.info("released the lease");
    } catch (err) {
      this.#logger.warn(errorFields(err), "failed to release the lease; a standby takes over when it expires");
    } finally {
      signal.dispose();
    }
  }

  /** Tracks when the record last changed, by our clock: the lease's own timestamps come from other nodes' clocks. */
  #observe(lease: Lease, callbacks: LeaderCallbacks): void {
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime, spec.leaseDurationSeconds, spec.leaseTransitions]);
    if (record !== this.#observedRecord) {
      this.#observedRecord = record;
      this.#observedAt = this.#clock.monotonic();
    }
    this.#observedDurationMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    const holder = spec.holderIdentity ?? "";
    if (holder !== this.#observedHolder) {
      this.#observedHolder = holder;
      if (holder) {
        this.#logger.info({ leader: holder }, "new leader observed");
        try {
          callbacks.onNewLeader?.(holder);
        } catch (err) {
          this.#logger.error(errorFields(err), "onNewLeader failed");
        }
      }
    }
  }

  /** A request deadline; a campaign request is also abandoned on stop (a renewal or release never is). */
  #timeoutSignal(ms: number, abortOnStop: boolean): { signal: AbortSignal; dispose: () => void } {
    const controller = new AbortController();
    const handle = this.#clock.setTimeout(() => controller.abort(new Error(`lease request timed out after ${Math.round(ms)} ms`)), ms);
    const onStop = () => controller.abort(new Error("leader election stopped"));
    if (abortOnStop) this.#stop.signal.addEventListener("abort", onStop, { once: true });
    return {
      signal: controller.signal,
      dispose: () => {
        this.#clock.clearTimeout(handle);
        this.#stop.signal.removeEventListener("abort", onStop);
      },
    };
  }
}

/** A metav1.MicroTime: RFC 3339 with exactly six fractional digits (the apiserver rejects three). */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
