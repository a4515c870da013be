import { readFileSync } from "node:fs";

/**
 * Reads credential files (a ServiceAccount token, a client certificate, a CA) at most once per `refreshMs`:
 * each request sees a rotated file within that time (client-go re-reads a token file every minute) without
 * a filesystem read per request.
 */
export class FileSource {
  readonly #refreshMs: number;
  readonly #now: () => number;
  readonly #read: (path: string) => Buffer;
  readonly #cache = new Map<string, { readAt: number; content: Buffer }>();

  constructor(options: { refreshMs?: number; now?: () => number; read?: (path: string) => Buffer } = {}) {
    this.#refreshMs = options.refreshMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#read = options.read ?? ((path) => readFileSync(path));
  }

  read(path: string): Buffer {
    const now = this.#now();
    const cached = this.#cache.get(path);
    if (cached && now - cached.readAt < this.#refreshMs) return cached.content;
    let content: Buffer;
    try {
      content = this.#read(path);
    } catch (err) {
      // The kubelet swaps a projected token atomically; a failed re-read keeps the last good content.
      if (cached) {
        this.#cache.set(path, { readAt: now, content: cached.content });
        return cached.content;
      }
      throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    this.#cache.set(path, { readAt: now, content });
    return content;
  }
}
