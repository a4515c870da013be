/**
 * What an ExternalSecret with templateFrom ConfigMaps/Secrets last rendered from: the provider data and the
 * sources' fingerprint, so a changed ConfigMap re-renders the Secret without reading AWS again.
 *
 * Bounded: provider data is kept for the most recently used entries up to `maxBytes`; an entry whose data
 * was dropped keeps its fingerprint, and a change to its sources then refreshes from the provider.
 */
export interface RenderInput {
  uid: string;
  /** The ExternalSecret version (generation, labels, annotations) the data was read for. */
  version: string;
  /** templateFrom sources as rendered (TemplateSourceCache.read). */
  fingerprint: string;
  data?: ReadonlyMap<string, Uint8Array> | undefined;
}

export const DEFAULT_RENDER_INPUT_BYTES = 64 * 1024 * 1024;

export class RenderInputs {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, RenderInput & { bytes: number }>();
  #bytes = 0;

  constructor(options: { maxBytes?: number | undefined } = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_RENDER_INPUT_BYTES;
  }

  get(key: string): RenderInput | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    // Map order is the recency order: the least recently used entry is first.
    this.#entries.delete(key);
    this.#entries.set(key, e);
    return e;
  }

  set(key: string, input: RenderInput): void {
    this.forget(key);
    const bytes = input.data ? sizeOf(input.data) : 0;
    const entry = { ...input, bytes };
    this.#entries.set(key, entry);
    this.#bytes += bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      if (!e.data || k === key) continue;
      this.#bytes -= e.bytes;
      this.#entries.set(k, { ...e, data: undefined, bytes: 0 });
    }
    if (this.#bytes > this.#maxBytes && entry.data) {
      // One entry larger than the whole budget: not kept.
      this.#bytes -= bytes;
      this.#entries.set(key, { ...entry, data: undefined, bytes: 0 });
    }
  }

  forget(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#bytes -= e.bytes;
    this.#entries.delete(key);
  }

  /** Provider bytes held (for tests). */
  get bytes(): number {
    return this.#bytes;
  }
}

function sizeOf(data: ReadonlyMap<string, Uint8Array>): number {
  let n = 0;
  for (const [k, v] of data) n += k.length + v.byteLength;
  return n;
}
