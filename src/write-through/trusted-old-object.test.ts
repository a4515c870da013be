import { test } from "node:test";
import assert from "node:assert/strict";
import { RECORDED } from "./names.ts";
import { recordedOf } from "./plan.ts";
import { arnNamesSecret, staleOldObjectProblem, untrustedRecordProblem } from "./trusted-old-object.ts";
import { secret } from "./testing/fixtures.ts";

const record = (remoteKey: string) => ({
  [RECORDED.remoteKey]: remoteKey,
  [RECORDED.arn]: `arn:aws:secretsmanager:us-east-1:1:secret:${remoteKey}-AbCdEf`,
  [RECORDED.version]: "v1",
  [RECORDED.keys]: "a",
  [RECORDED.contentHash]: "h",
  [RECORDED.encoding]: "text",
});

test("untrustedRecordProblem: recorded annotations count only on a labelled Secret, and only for the template's name", () => {
  const cases: Array<[string, ReturnType<typeof secret>, RegExp | undefined]> = [
    ["labelled, template's name", secret({ annotations: record("ferry/team-a/db") }), undefined],
    ["no annotations at all", secret({ store: null }), undefined],
    ["unlabelled with a planted record", secret({ store: null, annotations: record("ferry/team-b/db") }), /never written through/],
    ["unlabelled with one planted annotation", secret({ store: null, annotations: { [RECORDED.remoteKey]: "ferry/team-a/db" } }), /never written through/],
    ["labelled, another name", secret({ annotations: record("ferry/team-b/db") }), /is not what the name template yields/],
  ];
  for (const [name, old, expected] of cases) {
    const recorded = old.metadata?.labels?.["ferry.dev/write-through"] ? recordedOf(old) : undefined;
    const problem = untrustedRecordProblem(old, recorded, "ferry/team-a/db");
    if (expected) assert.match(problem ?? "", expected, name);
    else assert.equal(problem, undefined, name);
  }
});

test("staleOldObjectProblem: uid and resourceVersion must be the live object's", () => {
  const old = secret();
  const cases: Array<[string, ReturnType<typeof secret> | undefined, ReturnType<typeof secret> | undefined, RegExp | undefined]> = [
    ["the same", old, old, undefined],
    ["claimed without uid", { ...old, metadata: { name: "db" } }, old, /no uid or resourceVersion/],
    ["gone", old, undefined, /no longer exists/],
    ["recreated", old, { ...old, metadata: { ...old.metadata, uid: "other" } }, /was replaced/],
    ["moved on", old, { ...old, metadata: { ...old.metadata, resourceVersion: "2" } }, /changed meanwhile/],
  ];
  for (const [name, claimed, live, expected] of cases) {
    const problem = staleOldObjectProblem(claimed, live);
    if (expected) assert.match(problem ?? "", expected, name);
    else assert.equal(problem, undefined, name);
  }
});

test("arnNamesSecret: the ARN's resource is the name plus AWS's 6-character suffix", () => {
  assert.equal(arnNamesSecret("arn:aws:secretsmanager:us-east-1:1:secret:prod/ferry/a/db-AbCdEf", "prod/ferry/a/db"), true);
  assert.equal(arnNamesSecret("arn:aws:secretsmanager:us-east-1:1:secret:prod/ferry/b/db-AbCdEf", "prod/ferry/a/db"), false);
  assert.equal(arnNamesSecret("arn:aws:secretsmanager:us-east-1:1:secret:prod/ferry/a/db-x-AbCdEf", "prod/ferry/a/db"), false);
  assert.equal(arnNamesSecret("prod/ferry/a/db", "prod/ferry/a/db"), false);
});
