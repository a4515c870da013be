import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ContentHasher } from "./content-hash.ts";
import { encodeDocument } from "./document.ts";

const doc = (v: string) => encodeDocument(new Map([["password", new TextEncoder().encode(v)]]));

describe("ContentHasher", () => {
  const hasher = new ContentHasher(Buffer.alloc(32, 1));

  test("the content hash is stable, keyed, and not the plain SHA-256 of the document", () => {
    assert.equal(hasher.contentHash(doc("a")), hasher.contentHash(doc("a")));
    assert.notEqual(hasher.contentHash(doc("a")), hasher.contentHash(doc("b")));
    assert.notEqual(hasher.contentHash(doc("a")), new ContentHasher(Buffer.alloc(32, 2)).contentHash(doc("a")));
    assert.notEqual(hasher.contentHash(doc("a")), createHash("sha256").update(doc("a").bytes).digest("hex"));
  });

  test("version tokens are UUID-shaped and depend on secret, previous version and content", () => {
    const h = hasher.contentHash(doc("a"));
    const token = hasher.versionToken("ferry/ns/db", "v1", h);
    assert.match(token, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(hasher.versionToken("ferry/ns/db", "v1", h), token);
    const variants = [hasher.versionToken("ferry/ns/other", "v1", h), hasher.versionToken("ferry/ns/db", "v2", h), hasher.versionToken("ferry/ns/db", undefined, h), hasher.versionToken("ferry/ns/db", "v1", hasher.contentHash(doc("b")))];
    assert.equal(new Set([token, ...variants]).size, 5);
  });

  test("short keys are refused", () => {
    assert.throws(() => new ContentHasher(Buffer.alloc(16)), /at least 32 bytes/);
  });
});
