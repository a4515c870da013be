import assert from "node:assert/strict";
import { test } from "node:test";
import { RenderInputs } from "./render-inputs.ts";

const data = (bytes: number) => new Map([["k", new Uint8Array(bytes)]]);
const input = (bytes: number) => ({ uid: "u", version: "1", fingerprint: "f", data: data(bytes) });

test("provider data is bounded: the least recently used entries drop their data first and keep their fingerprint", () => {
  const cache = new RenderInputs({ maxBytes: 250 });
  cache.set("a", input(99));
  cache.set("b", input(99));
  cache.get("a"); // a is now more recent than b
  cache.set("c", input(99));
  assert.ok(cache.bytes <= 250, `${cache.bytes} bytes held`);
  assert.equal(cache.get("b")?.data, undefined, "b, least recently used, lost its data");
  assert.equal(cache.get("b")?.fingerprint, "f", "but keeps its fingerprint");
  assert.ok(cache.get("a")?.data);
  assert.ok(cache.get("c")?.data);
});

test("an entry larger than the budget keeps no data; forget releases its bytes", () => {
  const cache = new RenderInputs({ maxBytes: 50 });
  cache.set("big", input(100));
  assert.equal(cache.get("big")?.data, undefined);
  assert.equal(cache.bytes, 0);
  cache.set("small", input(10));
  assert.equal(cache.bytes, 11);
  cache.forget("small");
  assert.equal(cache.bytes, 0);
  assert.equal(cache.get("small"), undefined);
});
