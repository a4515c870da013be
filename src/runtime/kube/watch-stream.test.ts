import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { WatchStreamDecoder, type WatchEvent } from "./watch-stream.ts";

const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;

function decode(chunks: Array<string | Buffer>): WatchEvent[] {
  const decoder = new WatchStreamDecoder();
  return [...chunks.flatMap((c) => decoder.push(typeof c === "string" ? Buffer.from(c) : c)), ...decoder.end()];
}

describe("WatchStreamDecoder", () => {
  const added = line("ADDED", { metadata: { name: "a", resourceVersion: "1" } });
  const bookmark = line("BOOKMARK", { kind: "Secret", metadata: { resourceVersion: "7" } });
  const gone = line("ERROR", { kind: "Status", code: 410, reason: "Expired", message: "too old resource version: 1 (5)" });
  const unicode = line("MODIFIED", { metadata: { name: "b", annotations: { note: "größe ✓" } } });

  const cases: Array<{ name: string; chunks: Array<string | Buffer>; types: string[] }> = [
    { name: "one event per chunk", chunks: [added, bookmark], types: ["ADDED", "BOOKMARK"] },
    { name: "a chunk boundary splits a line", chunks: [added.slice(0, 10), added.slice(10, 30), added.slice(30) + bookmark.slice(0, 5), bookmark.slice(5)], types: ["ADDED", "BOOKMARK"] },
    { name: "many events in one chunk", chunks: [added + bookmark + gone], types: ["ADDED", "BOOKMARK", "ERROR"] },
    { name: "a chunk boundary splits a UTF-8 character", chunks: splitBytes(unicode, Buffer.from(unicode).indexOf(Buffer.from("ö")) + 1), types: ["MODIFIED"] },
    { name: "the last line without a newline", chunks: [added, bookmark.trimEnd()], types: ["ADDED", "BOOKMARK"] },
    { name: "blank and broken lines are skipped", chunks: ["\n", "{not json\n", added, JSON.stringify({ object: {} }) + "\n"], types: ["ADDED"] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(decode(c.chunks).map((e) => e.type), c.types));

  test("multi-byte characters survive the split intact", () => {
    const [event] = decode(splitBytes(unicode, Buffer.from(unicode).indexOf(Buffer.from("✓")) + 2));
    assert.equal((event?.object as { metadata: { annotations: { note: string } } }).metadata.annotations.note, "größe ✓");
  });

  test("an ERROR event carries the Status (410: the informer relists)", () => {
    const [event] = decode([gone]);
    assert.deepEqual(event, { type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version: 1 (5)" } });
  });

  test("a BOOKMARK carries only the resourceVersion", () => {
    const [event] = decode([bookmark]);
    assert.equal((event?.object as { metadata: { resourceVersion: string } }).metadata.resourceVersion, "7");
  });

  test("a line longer than the limit fails instead of growing without bound", () => {
    const decoder = new WatchStreamDecoder({ maxLineBytes: 100 });
    assert.throws(() => decoder.push(Buffer.from("x".repeat(200))), /longer than 100 bytes/);
  });
});

function splitBytes(text: string, at: number): Buffer[] {
  const bytes = Buffer.from(text);
  return [bytes.subarray(0, at), bytes.subarray(at)];
}
