// Ferry's `expandJson: true`: a JSON secret mounted as one file per top-level key, next to the secret's own
// file, without listing every key as a jmesPath entry (ASCP #46 "mount all keys", open since 2021; #9).
// Strings are written as they are, other JSON values as JSON text. Off unless asked for, so ASCP
// SecretProviderClasses mount exactly as before.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { status, type ServiceError } from "@grpc/grpc-js";
import { MountHarness, type PodInfo } from "./mount-harness.ts";

let h: MountHarness;
let pod: PodInfo;
let versionId = "";

before(async () => {
  h = await MountHarness.start();
  versionId = (await h.createSecret("db", JSON.stringify({ username: "app", password: "pw", port: 5432, tls: { mode: "verify" }, "nested/key": "n" }))).versionId;
  await h.createSecret("not-json", "plain text");
  await h.createSecret("clash", JSON.stringify({ db: "would overwrite the db file" }));
  pod = await h.pod();
});
after(async () => {
  await h.close();
});

describe("expandJson", () => {
  test("one file per key, with the object's mode and version; '/' in keys translated like names", async () => {
    const volume = await h.mount({ region: h.region, objects: '- objectName: db\n  objectType: secretsmanager\n  filePermission: "0400"\n  expandJson: true' }, pod);
    assert.deepEqual(volume.files, {
      db: '{"username":"app","password":"pw","port":5432,"tls":{"mode":"verify"},"nested/key":"n"}',
      username: "app",
      password: "pw",
      port: "5432",
      tls: '{"mode":"verify"}',
      nested_key: "n",
    });
    assert.ok(Object.values(volume.modes).every((m) => m === 0o400));
    assert.ok(Object.values(volume.versions).every((v) => v === versionId));
  });

  test("combines with jmesPath and aliases", async () => {
    const volume = await h.mount(
      { region: h.region, objects: '- objectName: db\n  objectType: secretsmanager\n  objectAlias: db.json\n  expandJson: true\n  jmesPath:\n    - path: tls.mode\n      objectAlias: tls-mode' },
      pod,
    );
    assert.equal(volume.files["tls-mode"], "verify");
    assert.equal(volume.files.username, "app");
    assert.ok("db.json" in volume.files);
  });

  test("a value that is not a JSON object, or a key that collides with another file: INVALID_ARGUMENT naming the object", async () => {
    await assert.rejects(h.mount({ region: h.region, objects: "- objectName: not-json\n  objectType: secretsmanager\n  expandJson: true" }, pod), (err: ServiceError) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /object "not-json": expandJson needs a JSON value/);
      return true;
    });
    await assert.rejects(
      h.mount({ region: h.region, objects: "- objectName: db\n  objectType: secretsmanager\n- objectName: clash\n  objectType: secretsmanager\n  expandJson: true" }, pod),
      (err: ServiceError) => {
        assert.equal(err.code, status.INVALID_ARGUMENT);
        assert.match(err.details, /object "clash": file "db" collides with "db" of object "db"/);
        assert.ok(!err.details.includes("would overwrite"));
        return true;
      },
    );
  });
});
