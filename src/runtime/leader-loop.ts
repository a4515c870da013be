import { realClock, sleep, type Clock } from "./clock.ts";
import type { LeaderElector } from "./leader-election.ts";
import { errorFields, silentLogger, type Logger } from "./logger.ts";

export interface LeaderLoopOptions {
  /** A fresh elector per campaign: a LeaderElector runs once. */
  newElector: () => LeaderElector;
  /**
   * The work only the leader does. Must return once `signal` aborts and the work has wound down, so a
   * graceful stop releases the lease only after the last write.
   */
  lead: (signal: AbortSignal) => Promise<void>;
  /** Pause before campaigning again after leadership was lost; default 1 s. */
  recampaignDelayMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Keeps a replica a candidate for as long as it runs: leads when elected, and when leadership is lost stops
 * the leader-only work and campaigns again. For processes with duties that must go on without the lease —
 * every webhook replica serves admission requests — where controller-runtime's exit-on-loss would take
 * the serving down with it.
 */
export class LeaderLoop {
  readonly #o: LeaderLoopOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #stop = new AbortController();
  #elector: LeaderElector | undefined;
  #running: Promise<void> | undefined;
  #terms = 0;

  constructor(options: LeaderLoopOptions) {
    this.#o = options;
    this.#clock = options.clock ?? realClock;
    this.#logger = options.logger ?? silentLogger;
  }

  get leading(): boolean {
    return this.#elector?.isLeader ?? false;
  }

  /** Leadership terms started so far. */
  get terms(): number {
    return this.#terms;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Ends the campaign, or leadership (waiting for the work, then releasing the lease). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#elector?.stop();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      const elector = (this.#elector = this.#o.newElector());
      try {
        await elector.run({
          onStartedLeading: (signal) => {
            this.#terms++;
            return this.#o.lead(signal);
          },
          onStoppedLeading: () => undefined,
        });
      } catch (err) {
        this.#logger.error(errorFields(err), "leader election failed");
      }
      if (stop.aborted) break;
      this.#logger.warn({}, "leadership lost or campaign ended; campaigning again");
      await sleep(this.#clock, this.#o.recampaignDelayMs ?? 1_000, stop);
    }
  }
}
