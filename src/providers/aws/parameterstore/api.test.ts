import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { CredentialSource } from "../auth/credentials.ts";
import { awsError } from "../fake-aws-error.ts";
import { sdkParameterStoreApi } from "./api.ts";

/** An SSM client's `send` that records each command and its options, failing the first calls with `failures`. */
function recordingClient(failures: Error[] = []) {
  const sent: Array<{ command: string; input: unknown; abortSignal: AbortSignal | undefined }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: unknown }, options?: { abortSignal?: AbortSignal }) => {
      sent.push({ command: command.constructor.name, input: command.input, abortSignal: options?.abortSignal });
      const failure = failures.shift();
      if (failure) throw failure;
      return {};
    },
  } as unknown as Pick<SSMClient, "send">;
  return { client, sent };
}

function countingCredentials(): CredentialSource & { invalidated: number } {
  return {
    invalidated: 0,
    get: async () => ({ accessKeyId: "AKID", secretAccessKey: "secret" }),
    invalidate() {
      this.invalidated++;
    },
  };
}

describe("sdkParameterStoreApi: every SSM call of the reader and the writer on one client", () => {
  const cases: Array<[method: keyof ReturnType<typeof sdkParameterStoreApi>, command: string]> = [
    ["getParameters", "GetParametersCommand"],
    ["getParameter", "GetParameterCommand"],
    ["getParametersByPath", "GetParametersByPathCommand"],
    ["describeParameters", "DescribeParametersCommand"],
    ["listTagsForResource", "ListTagsForResourceCommand"],
    ["putParameter", "PutParameterCommand"],
    ["addTagsToResource", "AddTagsToResourceCommand"],
    ["deleteParameter", "DeleteParameterCommand"],
  ];
  for (const [method, command] of cases) {
    test(`${method} sends ${command} with the input and the caller's abort signal`, async () => {
      const { client, sent } = recordingClient();
      const api = sdkParameterStoreApi(client, countingCredentials());
      const signal = new AbortController().signal;
      const input = { Name: "/app/x", ResourceType: "Parameter", ResourceId: "/app/x", Value: "v", Tags: [], TagKeys: [], Names: ["/app/x"], Path: "/app" };
      await (api[method] as (input: unknown, signal?: AbortSignal) => Promise<unknown>)(input, signal);
      await (api[method] as (input: unknown, signal?: AbortSignal) => Promise<unknown>)(input);
      assert.deepEqual(sent.map((s) => s.command), [command, command]);
      assert.equal(sent[0]!.input, input);
      assert.equal(sent[0]!.abortSignal, signal);
      assert.equal(sent[1]!.abortSignal, undefined);
    });
  }

  const failures: Array<{ name: string; error: Error; sends: number; invalidated: number; rejects: boolean }> = [
    { name: "rejected credentials are invalidated and the call made once more", error: awsError("UnrecognizedClientException"), sends: 2, invalidated: 1, rejects: false },
    { name: "another error is the caller's, with no second call", error: awsError("ParameterNotFound"), sends: 1, invalidated: 0, rejects: true },
  ];
  for (const f of failures) {
    test(f.name, async () => {
      const { client, sent } = recordingClient([f.error]);
      const credentials = countingCredentials();
      const call = sdkParameterStoreApi(client, credentials).putParameter({ Name: "/app/x", Value: "v" });
      if (f.rejects) await assert.rejects(call, (err) => err === f.error);
      else await call;
      assert.equal(sent.length, f.sends);
      assert.equal(credentials.invalidated, f.invalidated);
    });
  }
});
