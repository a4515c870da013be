import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseClusterIdentity } from "./cluster-identity.ts";

test("chooseClusterIdentity: --cluster-name, else the kube-system UID, never empty", () => {
  assert.equal(chooseClusterIdentity("prod-eu", "9f1c…"), "prod-eu");
  assert.equal(chooseClusterIdentity("", "0b7e3c5a-1f0e-4c1e-9d55-7a1c2b3d4e5f"), "0b7e3c5a-1f0e-4c1e-9d55-7a1c2b3d4e5f");
  assert.equal(chooseClusterIdentity(undefined, "uid-1"), "uid-1");
  assert.throws(() => chooseClusterIdentity("", undefined), /namespace kube-system not found; set --cluster-name/);
});
