// The engine's own guarantees, beyond ESO's semantics (which gotemplate.oracle.test.ts checks): a runaway
// template is cut off at the deadline with a clear error while other renders proceed, output is capped, and
// error text never carries a data value.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { REDACTED } from "./redact.ts";
import { TemplateEngine } from "./template-engine.ts";

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString("utf8");

const engine = new TemplateEngine({ deadlineMs: 1_500, maxOutputBytes: 64 * 1024 });
after(() => engine.close());

test("renders ESO's Go-template semantics: printf of a map, fromJson float64, toJson escaping", async () => {
  const out = await engine.render(
    {
      m: '{{ printf "%v" (dict "k" "v") }}',
      f: '{{ ("{\\"n\\":12345678901}" | fromJson).n }}',
      j: '{{ dict "h" "<&>" | toJson }}',
    },
    {},
  );
  assert.ok(out.ok);
  assert.equal(text(out.data.m), "map[k:v]");
  assert.equal(text(out.data.f), "1.2345678901e+10");
  assert.equal(text(out.data.j), '{"h":"\\u003c\\u0026\\u003e"}');
});

test("an endless template is stopped at the deadline while other renders queued behind it complete", async () => {
  const endless = engine.render({ loop: "{{ range 100000000000 }}{{ end }}" }, {});
  const others = Array.from({ length: 5 }, (_, i) => engine.render({ k: "{{ .v }}" }, { v: utf8(`value-${i}`) }));
  // The event loop stays free while the worker spins.
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 20);
  const stopped = await endless;
  clearInterval(ticker);
  assert.equal(stopped.ok, false);
  assert.ok(!stopped.ok && stopped.failure.kind === "timeout");
  assert.match(!stopped.ok ? stopped.failure.message : "", /did not finish within 1500ms and was stopped/);
  assert.ok(ticks > 10, `event loop ran ${ticks} ticks during the render`);
  for (const [i, o] of (await Promise.all(others)).entries()) {
    assert.ok(o.ok);
    assert.equal(text(o.data.k), `value-${i}`);
  }
});

test("output past the cap is an error, not a huge Secret", async () => {
  const out = await engine.render({ big: "{{ range 100000 }}0123456789{{ end }}" }, {});
  assert.ok(!out.ok);
  assert.match(out.failure.message, /more than the limit of 65536 bytes/);
});

test("size-amplifying functions are bounded", async () => {
  for (const t of ['{{ repeat 2000000000 "x" }}', "{{ until 2000000000 }}", "{{ randAlpha 2000000000 }}", "{{ seq 2000000000 }}"]) {
    const out = await engine.render({ k: t }, {});
    assert.ok(!out.ok, t);
    assert.equal(out.failure.kind, "template", t);
  }
});

test("error text never carries a data value", async () => {
  const canary = "CANARY-9f8e7d6c";
  for (const t of ["{{ fail .secret }}", "{{ mustRegexMatch .secret .secret }}", '{{ .secret | fromJson | toJson | fail }}', "{{ .secret | semver }}"]) {
    const out = await engine.render({ k: t }, { secret: utf8(`(${canary}"`) });
    assert.ok(!out.ok, t);
    assert.ok(!out.failure.message.includes(canary), `${t}: ${out.failure.message}`);
  }
  const failed = await engine.render({ k: "{{ fail .secret }}" }, { secret: utf8(canary) });
  assert.ok(!failed.ok && failed.failure.message.endsWith(`error calling fail: ${REDACTED}`), !failed.ok ? failed.failure.message : "");
});

test("an instance whose memory grew past the limit is replaced after the call, which still succeeds", async () => {
  // derivePassword runs scrypt with 32 MiB of state: linear memory grows from ~14 MiB to ~47 MiB.
  const small = new TemplateEngine({ maxMemoryBytes: 32 * 1024 * 1024, deadlineMs: 30_000 });
  try {
    assert.ok((await small.render({ k: "{{ .v }}" }, { v: utf8("x") })).ok);
    assert.equal(small.workersStarted, 1);
    const derived = await small.render({ k: '{{ derivePassword 1 "long" "password" "user" "example.com" }}' }, {});
    assert.ok(derived.ok, !derived.ok ? derived.failure.message : "");
    const after = await small.render({ k: "{{ .v }}" }, { v: utf8("y") });
    assert.ok(after.ok);
    assert.equal(text(after.data.k), "y");
    assert.equal(small.workersStarted, 2, "replaced once, after the call that grew it");
    // Ordinary renders stay under the default limit: no replacement.
    const ordinary = new TemplateEngine();
    try {
      for (let i = 0; i < 20; i++) assert.ok((await ordinary.render({ k: "{{ .v | upper | b64enc }}" }, { v: utf8(`v${i}`) })).ok);
      assert.equal(ordinary.workersStarted, 1);
    } finally {
      await ordinary.close();
    }
  } finally {
    await small.close();
  }
});

test("parse reports syntax errors and unknown functions without data", async () => {
  const errors = await engine.parse({ ok: "{{ .a | upper }}", fn: "{{ nosuch .a }}", syntax: "{{ if }}", env: '{{ env "HOME" }}' });
  assert.deepEqual(Object.keys(errors).sort(), ["env", "fn", "syntax"]);
  assert.equal(errors.fn, 'template: fn:1: function "nosuch" not defined');
});

// certSANs is newer than the ESO release the differential tests build (v0.20.4), so it is checked against an
// independent X.509 parser, Node's: the same names in the same order, IPv6 in Go's canonical spelling.
test("certSANs lists a certificate's DNS names, IP addresses, e-mail addresses and URIs as Node's X.509 parser reads them", async () => {
  const { X509Certificate } = await import("node:crypto");
  const { readFileSync } = await import("node:fs");
  const pemText = readFileSync(new URL("./testdata/sans.crt", import.meta.url), "utf8");
  const expected = new X509Certificate(pemText).subjectAltName!.split(", ").map((entry) => {
    const [kind, ...rest] = entry.split(":");
    const value = rest.join(":");
    return kind === "IP Address" ? new URL(`http://${value.includes(":") ? `[${value}]` : value}`).hostname.replace(/^\[|\]$/g, "") : value;
  });
  const out = await engine.render({ sans: "{{ .crt | certSANs | toJson }}", junk: "{{ .junked | certSANs | len }}" }, { crt: utf8(pemText), junked: utf8(`junk\n-----\n${pemText}`) });
  assert.ok(out.ok, out.ok ? "" : out.failure.message);
  assert.deepEqual(JSON.parse(text(out.data.sans)), expected);
  assert.equal(expected.length, 6);
  assert.equal(text(out.data.junk), "6", "text before the first BEGIN line is skipped");
  const bad = await engine.render({ k: "{{ .crt | certSANs }}" }, { crt: utf8("not a certificate") });
  assert.ok(!bad.ok);
  assert.match(bad.failure.message, /error calling certSANs: failed to decode PEM block/);
});

// fromProperties is newer than v0.20.4 too: the expectations below are newer ESO's own test
// (runtime/template/v2/properties_test.go), so the library Ferry calls must read its input as ESO's does.
test("fromProperties reads a .properties text as ESO's own test expects and reports a bad \\u escape", async () => {
  const input = "# database settings\nusername = admin\nconnection: jdbc:postgresql://db.example/app?ssl=true\nescaped\\ key = escaped\\ value\nmessage = hello \\\n    world\nplaceholder = ${PASSWORD}\nsymbol = \\u263A\n";
  const out = await engine.render({ map: "{{ .props | fromProperties | toJson }}", empty: '{{ "" | fromProperties | len }}' }, { props: utf8(input) });
  assert.ok(out.ok, out.ok ? "" : out.failure.message);
  assert.deepEqual(JSON.parse(text(out.data.map)), {
    connection: "jdbc:postgresql://db.example/app?ssl=true",
    "escaped key": "escaped value",
    message: "hello world",
    placeholder: "${PASSWORD}",
    symbol: "☺",
    username: "admin",
  });
  assert.equal(text(out.data.empty), "0");
  const bad = await engine.render({ k: "{{ .props | fromProperties }}" }, { props: utf8("invalid = \\u12") });
  assert.ok(!bad.ok);
  assert.match(bad.failure.message, /error calling fromProperties: unable to parse properties: .*invalid unicode literal/);
});
