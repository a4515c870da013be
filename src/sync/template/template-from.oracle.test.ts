// ESO's own template application (tools/oracle: ApplyTemplate with pkg/controllers/templating.Parser and ESO's
// engine, unmodified) against Ferry's (templatePlan + renderTemplate through the wasm engine): templateFrom
// ConfigMap/Secret items with each templateAs and target, literals, template.data precedence, mergePolicy,
// and missing keys. Also dataFrom rewrite.transform against ESO's RewriteMap. Output bytes must be equal;
// for failures, both must fail, Ferry's message carrying ESO's cause.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { goAvailable, runOracle, type OracleResponse } from "../../../tools/oracle/index.ts";
import { templateEngineWasmPath } from "../../../tools/template-wasm/index.ts";
import { ExternalSecretTemplateSchema } from "../../apis/external-secret.ts";
import { TemplateEngine } from "../../lib/gotemplate/index.ts";
import { rewriteKeysWith } from "../transform/rewrite.ts";
import { transformKeys } from "./key-transform.ts";
import { renderTemplate } from "./render-template.ts";

const skip = (await goAvailable()) ? false : "no Go toolchain on PATH";
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

const providerData: Record<string, string> = { username: "app", password: "s3cr3t:pw", host: "db.internal", port: "5432" };
const configMap: Record<string, string> = {
  dsn: "postgres://{{ .username }}@{{ .host }}:{{ .port }}/app",
  "multi.yaml": "a.txt: {{ .username | upper }}\nb.txt: |\n  host={{ .host }}\n",
  tier: "{{ .host | trimSuffix \".internal\" }}",
  "labels.yaml": "team: {{ .username }}\nsize: \"3\"",
  broken: "{{ .nosuch }}",
  badyaml: "{{ .username }}: [unclosed",
};
const secret: Record<string, string> = {
  auth: "{{ printf \"%s:%s\" .username .password | b64enc }}",
  "env.yaml": "PGHOST: {{ .host }}\nPGPORT: \"{{ .port }}\"",
  note: "for {{ .host }}",
};

interface Case {
  name: string;
  template: Record<string, unknown>;
}

const cm = (items: unknown[], target?: string) => ({ configMap: { name: "tpl", items }, ...(target ? { target } : {}) });
const sec = (items: unknown[], target?: string) => ({ secret: { name: "tpl-secret", items }, ...(target ? { target } : {}) });
const cases: Case[] = [
  { name: "configMap Values into Data", template: { templateFrom: [cm([{ key: "dsn" }])] } },
  { name: "configMap KeysAndValues into Data", template: { templateFrom: [cm([{ key: "multi.yaml", templateAs: "KeysAndValues" }])] } },
  { name: "configMap Values into Labels", template: { templateFrom: [cm([{ key: "tier" }], "Labels")] } },
  { name: "configMap KeysAndValues into Labels", template: { templateFrom: [cm([{ key: "labels.yaml", templateAs: "KeysAndValues" }], "Labels")] } },
  { name: "configMap Values into Annotations", template: { templateFrom: [cm([{ key: "dsn" }], "Annotations")] } },
  { name: "configMap KeysAndValues into Annotations", template: { templateFrom: [cm([{ key: "labels.yaml", templateAs: "KeysAndValues" }], "Annotations")] } },
  { name: "secret Values into Data", template: { templateFrom: [sec([{ key: "auth" }])] } },
  { name: "secret KeysAndValues into Data", template: { templateFrom: [sec([{ key: "env.yaml", templateAs: "KeysAndValues" }])] } },
  { name: "secret Values into Labels", template: { templateFrom: [sec([{ key: "note" }], "Annotations")] } },
  { name: "secret KeysAndValues into Labels", template: { templateFrom: [sec([{ key: "env.yaml", templateAs: "KeysAndValues" }], "Labels")] } },
  {
    name: "order: configMap, secret and literal of one entry, then template.data wins",
    template: {
      templateFrom: [{ configMap: { name: "tpl", items: [{ key: "dsn" }] }, secret: { name: "tpl-secret", items: [{ key: "auth" }] }, literal: "dsn: from-literal\nextra: {{ .port }}" }],
      data: { auth: "from-data" },
    },
  },
  { name: "several items, later wins on a key", template: { templateFrom: [cm([{ key: "multi.yaml", templateAs: "KeysAndValues" }, { key: "dsn", templateAs: "KeysAndValues" }])] } },
  { name: "mergePolicy Merge keeps provider keys", template: { mergePolicy: "Merge", templateFrom: [cm([{ key: "dsn" }])] } },
  { name: "templateFrom into Labels only still drops provider keys (Replace)", template: { templateFrom: [cm([{ key: "tier" }], "Labels")] } },
  { name: "metadata templates after templateFrom", template: { templateFrom: [cm([{ key: "labels.yaml", templateAs: "KeysAndValues" }], "Labels")], metadata: { labels: { team: "{{ .host }}" } } } },
  { name: "missing configMap key", template: { templateFrom: [cm([{ key: "dsn" }, { key: "absent" }])] } },
  { name: "missing secret key", template: { templateFrom: [sec([{ key: "absent" }])] } },
  { name: "missing data key in a configMap template", template: { templateFrom: [cm([{ key: "broken" }])] } },
  { name: "KeysAndValues output that is not YAML", template: { templateFrom: [cm([{ key: "badyaml", templateAs: "KeysAndValues" }])] } },
];

let engine: TemplateEngine;
let go: OracleResponse[] = [];
const transformCases: Array<{ name: string; keys: string[]; rewrites: unknown[]; explained?: string }> = [
  { name: "upper", keys: ["db-user", "db-pass"], rewrites: [{ transform: { template: "{{ .value | upper }}" } }] },
  { name: "after a regexp", keys: ["app/db/user", "app/db/pass"], rewrites: [{ regexp: { source: "^app/", target: "" } }, { transform: { template: "{{ .value | replace \"/\" \"_\" | upper }}" } }] },
  { name: "sprig pipeline", keys: ["a.b", "c"], rewrites: [{ transform: { template: "{{ printf \"%s-%d\" .value (len .value) | snakecase }}" } }] },
  { name: "parse error", keys: ["k"], rewrites: [{ transform: { template: "{{ .value | nosuch }}" } }] },
  { name: "parse error with no keys", keys: [], rewrites: [{ transform: { template: "{{ if }}" } }] },
  { name: "execution error", keys: ["k"], rewrites: [{ transform: { template: "{{ .value | b64dec }}" } }] },
  { name: "a field other than .value", keys: ["k"], rewrites: [{ transform: { template: "{{ .other }}-x" } }], explained: "ESO renders <no value>; Ferry's engine runs with missingkey=error" },
];
let goTransform: OracleResponse[] = [];

before(
  async () => {
    if (skip) return;
    engine = new TemplateEngine({ wasmPath: await templateEngineWasmPath(), deadlineMs: 60_000 });
    go = await runOracle(
      cases.map((c) => ({
        op: "applyTemplate",
        apply: {
          // With the CRD's defaults applied (templateAs Values, target Data), as the apiserver stores it.
          template: ExternalSecretTemplateSchema.parse(c.template),
          data: Object.fromEntries(Object.entries(providerData).map(([k, v]) => [k, b64(v)])),
          configMap: { metadata: { name: "tpl" }, data: configMap },
          secret: { metadata: { name: "tpl-secret" }, data: Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, b64(v)])) },
        },
      })),
    );
    goTransform = await runOracle(transformCases.map((c) => ({ op: "rewrite", keys: c.keys, rewrites: c.rewrites })));
  },
  { timeout: 30 * 60_000 },
);
after(() => engine?.close());

for (const [i, c] of cases.entries()) {
  test(`templateFrom vs ESO: ${c.name}`, { skip }, async () => {
    const eso = go[i]!;
    const template = ExternalSecretTemplateSchema.parse(c.template);
    const sources = { configMaps: new Map([["tpl", configMap]]), secrets: new Map([["tpl-secret", Object.fromEntries(Object.entries(secret).map(([k, v]) => [k, utf8(v)]))]]) };
    const data = new Map(Object.entries(providerData).map(([k, v]) => [k, utf8(v)]));
    let ours;
    try {
      ours = await renderTemplate(template, data, engine, sources);
    } catch (err) {
      assert.ok(eso.error !== undefined, `Ferry failed where ESO renders: ${(err as Error).message}`);
      // ESO's cause (the innermost text) is in Ferry's message; the prefix names the field instead.
      const cause = eso.error.split(": ").slice(-1)[0]!.replaceAll("s3cr3t:pw", "[redacted]");
      assert.ok((err as Error).message.includes(cause), `${(err as Error).message} lacks ESO's cause ${JSON.stringify(cause)}`);
      return;
    }
    assert.equal(eso.error, undefined, "Ferry rendered what ESO refuses");
    const want = JSON.parse(eso.out!) as { data: Record<string, string> | null; labels: Record<string, string> | null; annotations: Record<string, string> | null };
    assert.deepEqual(Object.fromEntries([...ours.data].map(([k, v]) => [k, Buffer.from(v).toString("base64")])), want.data ?? {});
    assert.deepEqual(ours.labels, want.labels ?? {});
    assert.deepEqual(ours.annotations, want.annotations ?? {});
  });
}

for (const [i, c] of transformCases.entries()) {
  test(`rewrite.transform vs ESO: ${c.name}`, { skip }, async () => {
    const eso = goTransform[i]!;
    const values = new Map(c.keys.map((k) => [k, utf8(k)]));
    const run = () => rewriteKeysWith(values, c.rewrites, (template, keys) => transformKeys(engine, template, keys));
    if (c.explained) {
      assert.equal(eso.error, undefined);
      await assert.rejects(run(), /map has no entry for key "other"/, c.explained);
      return;
    }
    if (eso.error !== undefined) {
      // Keys are quoted by ESO in template errors; Ferry's engine redacts every value it sees (here: the key).
      const expected = c.keys.reduce((m, k) => (k.length >= 4 ? m.replace(new RegExp(`(?<!key ")${k}`, "g"), "[redacted]") : m), eso.error);
      await assert.rejects(run(), { message: expected });
      return;
    }
    const out = await run();
    const want = Object.fromEntries(Object.entries(eso.map ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    assert.deepEqual(Object.fromEntries([...out].map(([k, v]) => [k, Buffer.from(v).toString()])), want);
  });
}
