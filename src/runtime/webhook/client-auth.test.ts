import { test } from "node:test";
import assert from "node:assert/strict";
import { decideCaller, type ClientAuthPolicy, type PresentedIdentity } from "./client-auth.ts";

const policy: ClientAuthPolicy = { mode: "certificate", caFile: "/ca.crt", allowedNames: ["kube-apiserver-admission-client"] };
const identity = (over: Partial<PresentedIdentity>): PresentedIdentity => ({ presented: true, verified: true, verifyError: undefined, commonName: "kube-apiserver-admission-client", ...over });

test("decideCaller: only a verified certificate with an allowed name is the apiserver", () => {
  const cases: Array<[string, ClientAuthPolicy, PresentedIdentity, boolean | number]> = [
    ["the apiserver", policy, identity({}), true],
    ["no certificate", policy, identity({ presented: false, verified: false, commonName: undefined }), 401],
    ["another CA", policy, identity({ verified: false, verifyError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }), 401],
    ["a kubelet's certificate from the cluster CA", policy, identity({ commonName: "system:node:n1" }), 403],
    ["no CN", policy, identity({ commonName: undefined }), 403],
    ["wildcard names, a dedicated CA", { ...policy, allowedNames: ["*"] }, identity({ commonName: "anything" }), true],
    ["wildcard names do not waive the CA", { ...policy, allowedNames: ["*"] }, identity({ verified: false }), 401],
    ["explicitly unauthenticated", { mode: "none" }, identity({ presented: false, verified: false }), true],
  ];
  for (const [name, p, id, expected] of cases) {
    const decision = decideCaller(p, id);
    assert.equal(decision.allowed ? true : decision.status, expected, name);
  }
});
