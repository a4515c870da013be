/**
 * Ferry's controller runtime: the small controller-runtime equivalent the operator is built on, with no
 * business logic.
 *
 * - Informer: LIST + WATCH with bookmarks into an in-memory store; resumes cut watches from the last
 *   resourceVersion, relists and diffs on 410 (a restart never looks like delete-all, KES #190), retries
 *   forever with jittered backoff, restarts a watch silent (no event, no bookmark) for 5 minutes.
 * - Controller: level-based reconciles of namespace/name requests from a deduplicating, rate-limited work
 *   queue with N workers; TerminalError is not retried; graceful stop.
 * - LeaderElector: coordination.k8s.io Lease election with client-go's timings, released on graceful stop.
 * - HealthServer: /healthz, /readyz and /metrics.
 * - createLogger: pino JSON logs with one redaction config for secret-bearing fields.
 * - Clock / FakeClock: every timer goes through an injectable clock, so tests never sleep.
 */
export { FakeClock, realClock, settle, sleep, type Clock, type TimerHandle } from "./clock.ts";
export { jitter } from "./jitter.ts";
export { Backoff, type BackoffOptions } from "./backoff.ts";
export {
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
  type RateLimiter,
} from "./rate-limiter.ts";
export { WorkQueue, type QueuePriority, type WorkQueueMetrics, type WorkQueueOptions } from "./work-queue.ts";
export {
  Controller,
  isTerminalError,
  parseRequestKey,
  requestKey,
  TerminalError,
  type ControllerMetrics,
  type ControllerOptions,
  type ReconcileOutcome,
  type Reconciler,
  type ReconcileResult,
  type Request,
} from "./controller.ts";
export { KubeApiError, kubeRequest, type KubeRequest } from "./kube-request.ts";
export {
  kubeListWatcher,
  type KubeListWatcherOptions,
  type KubeObject,
  type ListOptions,
  type ListPage,
  type ListWatcher,
  type ObjectMeta,
  type WatchHandle,
  type WatchOptions,
} from "./list-watcher.ts";
export { Informer, objectKey, type InformerHandlers, type InformerOptions } from "./informer.ts";
export {
  kubeLeaseClient,
  LeaderElector,
  type LeaderCallbacks,
  type LeaderElectionOptions,
  type Lease,
  type LeaseClient,
} from "./leader-election.ts";
export { HealthServer, parseAddress, type HealthCheck, type HealthServerOptions } from "./health-server.ts";
export {
  createLogger,
  errorFields,
  redactCensor,
  redactPaths,
  silentLogger,
  type CreateLoggerOptions,
  type LogFn,
  type Logger,
  type LogLevel,
} from "./logger.ts";
