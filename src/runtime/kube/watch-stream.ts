import { StringDecoder } from "node:string_decoder";

/** One event of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (object is then a Status). */
export interface WatchEvent {
  type: string;
  object: unknown;
}

/**
 * Splits a watch response (newline-delimited JSON) into events. Chunks end anywhere — inside a line or a
 * multi-byte UTF-8 character — so the unfinished tail waits for the next chunk. A line that is not an event
 * is skipped, as client-go's decoder would fail the one event and not the stream. A line longer than
 * `maxLineBytes` ends the stream with an error instead of growing without bound.
 */
export class WatchStreamDecoder {
  readonly #decoder = new StringDecoder("utf8");
  readonly #maxLine: number;
  #tail = "";

  constructor(options: { maxLineBytes?: number } = {}) {
    // The apiserver's limit for one object is ~1.5 MiB (etcd's request limit); 16 MiB leaves room for encoding.
    this.#maxLine = options.maxLineBytes ?? 16 * 1024 * 1024;
  }

  push(chunk: Buffer | string): WatchEvent[] {
    const text = this.#tail + (typeof chunk === "string" ? chunk : this.#decoder.write(chunk));
    const lines = text.split("\n");
    this.#tail = lines.pop() ?? "";
    if (this.#tail.length > this.#maxLine) throw new Error(`watch event longer than ${this.#maxLine} bytes`);
    return lines.flatMap(parseLine);
  }

  /** The last line when the stream ends without a newline. */
  end(): WatchEvent[] {
    const rest = this.#tail + this.#decoder.end();
    this.#tail = "";
    return parseLine(rest);
  }
}

function parseLine(line: string): WatchEvent[] {
  if (line.trim() === "") return [];
  try {
    const event = JSON.parse(line) as { type?: unknown; object?: unknown };
    return typeof event.type === "string" ? [{ type: event.type, object: event.object }] : [];
  } catch {
    return [];
  }
}
