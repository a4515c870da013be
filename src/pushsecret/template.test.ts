// A PushSecret's template through ESO's engine (the wasm build): templateFrom literals first, then
// template.data over them, on a copy of the source data; failures in ESO's words, without values.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { TemplateEngine } from "../lib/gotemplate/template-engine.ts";
import { applyPushTemplate } from "./template.ts";

const engine = new TemplateEngine({ deadlineMs: 5_000, maxOutputBytes: 64 * 1024 });
after(() => engine.close());

const source = new Map([["user", new TextEncoder().encode("alice")], ["pass", new TextEncoder().encode("s3cret-canary")]]);
const text = (v: Uint8Array | undefined) => new TextDecoder().decode(v);

describe("applyPushTemplate", () => {
  test("templateFrom.literal renders keys and values over the source keys; template.data wins over it", async () => {
    const out = await applyPushTemplate(
      engine,
      { templateFrom: [{ literal: "dsn: 'db://{{ .user }}@host'\nshared: from-literal", target: "Data" }], data: { shared: "from-data" }, mergePolicy: "Replace", engineVersion: "v2" } as never,
      source,
    );
    assert.ok(out.ok);
    assert.equal(text(out.data.get("dsn")), "db://alice@host");
    assert.equal(text(out.data.get("shared")), "from-data");
    assert.equal(text(out.data.get("pass")), "s3cret-canary", "source keys stay (ESO templates into the source Secret's copy)");
    assert.equal(text(source.get("pass")), "s3cret-canary");
    assert.equal(source.has("dsn"), false, "the source is not modified");
  });

  test("a literal that targets Labels does not change what is pushed", async () => {
    const out = await applyPushTemplate(engine, { templateFrom: [{ literal: "team: '{{ .user }}'", target: "Labels" }] } as never, source);
    assert.ok(out.ok);
    assert.deepEqual([...out.data.keys()].sort(), ["pass", "user"]);
  });

  test("a failing literal: ESO's templateFrom message, the value redacted", async () => {
    const out = await applyPushTemplate(engine, { templateFrom: [{ literal: '{{ fail (printf "bad %s" .pass) }}', target: "Data" }] } as never, source);
    assert.equal(out.ok, false);
    assert.match(out.ok ? "" : out.message, /^error fetching templateFrom data: /);
    assert.doesNotMatch(out.ok ? "" : out.message, /s3cret-canary/);
  });

  test("templateFrom ConfigMap and Secret items (Values and KeysAndValues), before template.data", async () => {
    const sources = {
      configMaps: new Map([["tpl", { "url.tmpl": "https://{{ .user }}@svc" }]]),
      secrets: new Map([["tpl-secret", { "kv.tmpl": new TextEncoder().encode("token: 'tok-{{ .user }}'") }]]),
    };
    const out = await applyPushTemplate(
      engine,
      {
        templateFrom: [
          { configMap: { name: "tpl", items: [{ key: "url.tmpl", templateAs: "Values" }] }, target: "Data" },
          { secret: { name: "tpl-secret", items: [{ key: "kv.tmpl", templateAs: "KeysAndValues" }] }, target: "Data" },
        ],
      } as never,
      source,
      sources,
    );
    assert.ok(out.ok, out.ok ? "" : out.message);
    assert.equal(text(out.data.get("url.tmpl")), "https://alice@svc");
    assert.equal(text(out.data.get("token")), "tok-alice");
  });

  test("a templateFrom ConfigMap that does not exist: ESO's words (the apiserver's NotFound)", async () => {
    const out = await applyPushTemplate(engine, { templateFrom: [{ configMap: { name: "gone", items: [{ key: "k", templateAs: "Values" }] }, target: "Data" }] } as never, source);
    assert.equal(out.ok ? "" : out.message, 'error fetching templateFrom data: configmaps "gone" not found');
  });

  test("a failing template.data after a good literal: could not execute template", async () => {
    const out = await applyPushTemplate(engine, { templateFrom: [{ literal: "a: b", target: "Data" }], data: { x: "{{ .nope.deeper }}" } } as never, source);
    assert.equal(out.ok, false);
    assert.match(out.ok ? "" : out.message, /^could not execute template: /);
  });
});
