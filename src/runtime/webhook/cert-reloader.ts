import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { createSecureContext } from "node:tls";
import { errorFields, silentLogger, type Logger } from "../logger.ts";

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

export interface CertificateReloaderOptions {
  certFile: string;
  keyFile: string;
  /** How often the files are read even without a filesystem event; default 10 s (controller-runtime's certwatcher polls too). */
  pollIntervalMs?: number;
  logger?: Logger;
}

/**
 * Keeps a serving certificate current as its files change (cert-manager renewals, a rotated Secret volume),
 * without a restart: the apiserver would otherwise fail every call once the old certificate expires, and with
 * `failurePolicy: Fail` that blocks writes.
 *
 * Filesystem events on the files' directories (a Secret volume swaps a `..data` symlink, so watching the
 * directory is what sees it) trigger a re-read; a poll catches what events miss (network filesystems, watch
 * limits). A new pair is used only when the certificate parses and the key matches it, so a half-written
 * rotation (certificate updated, key not yet) keeps the previous pair instead of breaking TLS.
 */
export class CertificateReloader {
  readonly #certFile: string;
  readonly #keyFile: string;
  readonly #pollIntervalMs: number;
  readonly #logger: Logger;
  readonly #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #current: (KeyPair & { digest: string; fingerprint: string; notAfter: Date }) | undefined;
  #rejectedDigest: string | undefined;
  #reloads = 0;
  #checking: Promise<void> | undefined;
  #onChange: ((pair: KeyPair) => void) | undefined;

  constructor(options: CertificateReloaderOptions) {
    this.#certFile = options.certFile;
    this.#keyFile = options.keyFile;
    this.#pollIntervalMs = options.pollIntervalMs ?? 10_000;
    this.#logger = (options.logger ?? silentLogger).child({ component: "cert-reloader" });
  }

  /** Reads and checks the pair now; throws when it is unusable (startup must fail loudly). */
  load(): KeyPair {
    const pair = { cert: readFileSync(this.#certFile), key: readFileSync(this.#keyFile) };
    this.#current = { ...pair, ...checkPair(pair) };
    return pair;
  }

  /** Watches for changes; `onChange` gets every new valid pair. */
  start(onChange: (pair: KeyPair) => void): void {
    if (!this.#current) this.load();
    this.#onChange = onChange;
    for (const dir of new Set([dirname(this.#certFile), dirname(this.#keyFile)])) {
      try {
        const watcher = watch(dir, () => this.#schedule());
        watcher.on("error", (err) => this.#logger.warn({ dir, ...errorFields(err) }, "certificate directory watch failed; polling only"));
        this.#watchers.push(watcher);
      } catch (err) {
        this.#logger.warn({ dir, ...errorFields(err) }, "cannot watch certificate directory; polling only");
      }
    }
    this.#timer = setInterval(() => void this.check(), this.#pollIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    for (const w of this.#watchers.splice(0)) w.close();
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
  }

  /** The pair in use (after load). */
  current(): KeyPair {
    const current = this.#current ?? this.load();
    return { cert: current.cert, key: current.key };
  }

  /** SHA-256 fingerprint of the certificate in use, e.g. for logs and tests. */
  get fingerprint(): string {
    return this.#current?.fingerprint ?? "";
  }

  get notAfter(): Date | undefined {
    return this.#current?.notAfter;
  }

  /** Pairs taken into use after the first. */
  get reloads(): number {
    return this.#reloads;
  }

  /** Re-reads the files and switches when they hold a new valid pair. Concurrent calls share one read. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => (this.#checking = undefined));
    return this.#checking;
  }

  #schedule(): void {
    // One rotation is several events (cert, key, symlink): read once they have settled.
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.check(), 100);
    this.#debounce.unref();
  }

  async #check(): Promise<void> {
    let pair: KeyPair;
    try {
      pair = { cert: await readFile(this.#certFile), key: await readFile(this.#keyFile) };
    } catch (err) {
      this.#logger.warn(errorFields(err), "cannot read certificate files; keeping the current certificate");
      return;
    }
    const digest = digestOf(pair);
    if (digest === this.#current?.digest || digest === this.#rejectedDigest) return;
    let checked: ReturnType<typeof checkPair>;
    try {
      checked = checkPair(pair);
    } catch (err) {
      // Logged once per content: a rotation in progress settles, a broken one stays visible but quiet.
      this.#rejectedDigest = digest;
      this.#logger.warn(errorFields(err), "certificate files changed but are not a usable pair; keeping the current certificate");
      return;
    }
    this.#current = { ...pair, ...checked };
    this.#rejectedDigest = undefined;
    this.#reloads++;
    this.#onChange?.(pair);
    this.#logger.info({ fingerprint: checked.fingerprint, notAfter: checked.notAfter.toISOString() }, "serving certificate reloaded");
  }
}

function digestOf(pair: KeyPair): string {
  return createHash("sha256").update(pair.cert).update("\0").update(pair.key).digest("hex");
}

/** Throws unless the certificate parses, the key parses and matches it, and TLS accepts the pair. */
function checkPair(pair: KeyPair): { digest: string; fingerprint: string; notAfter: Date } {
  const cert = new X509Certificate(pair.cert);
  const key = createPrivateKey(pair.key);
  if (!cert.checkPrivateKey(key)) throw new Error("the private key does not match the certificate");
  createSecureContext({ cert: pair.cert, key: pair.key });
  return { digest: digestOf(pair), fingerprint: cert.fingerprint256, notAfter: new Date(cert.validTo) };
}
