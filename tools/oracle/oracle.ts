/**
 * Runs test cases through the Go oracle (tools/oracle): builds it once per process with build.sh (cached
 * across runs under $FERRY_CACHE/oracle-bin), then pipes a JSON array of requests through it.
 */
import { execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);

/** One oracle request; see main.go for the fields each op reads. */
export type OracleRequest =
  | { op: "gjson"; json: string; path: string }
  | { op: "getSecret" | "getSecretMap"; payload: string; binary: boolean; property: string }
  | { op: "decode"; strategy: string; value: string }
  | { op: "convertKeys"; strategy: string; keys: string[] }
  | { op: "rewrite"; keys: string[]; rewrites: unknown[] }
  | { op: "match"; pattern: string; input: string }
  | { op: "unicodeClassNames" }
  | { op: "replaceAll"; pattern: string; input: string; repl: string }
  /** ESO's AWS provider PushSecret against a scripted AWS; `out` is the calls it made, as JSON (push.go). */
  | { op: "pushSecret"; push: OraclePushRequest }
  /** ESO's ReverseKeys; `map` is reversed key → original key. */
  | { op: "reverseKeys"; strategy: string; keys: string[] }
  /** ESO's template application (templating.go); `out` is {data (base64), labels, annotations} as JSON. */
  | { op: "applyTemplate"; apply: { template: unknown; data: Record<string, string>; configMap?: unknown; secret?: unknown } }
  /** SecretProviderClass objects decoded as ASCP does; `out` is the descriptors as JSON. */
  | { op: "ascpObjects"; input: string }
  /** ESO's generator of the object's kind (Password, UUID); `map` is its output (generators.go). */
  | { op: "generate"; generator: unknown };

/** A PushSecret of one data[] entry (see push.go): the source Secret's data (base64) and the remote secret, if any. */
export interface OraclePushRequest {
  service: "SecretsManager" | "ParameterStore";
  secretData: Record<string, string>;
  pushData: unknown;
  existing?: { value: string; binary: boolean; tags: Record<string, string> } | undefined;
}

/** Byte fields are base64; `map` values too. */
export interface OracleResponse {
  error?: string;
  exists?: boolean;
  type?: string;
  raw?: string;
  str?: string;
  value?: string;
  map?: Record<string, string>;
  out?: string;
  matched?: boolean;
}

let binary: Promise<string> | undefined;

/** Whether a Go toolchain is on PATH; the oracle tests skip (saying so) without one. */
export async function goAvailable(): Promise<boolean> {
  try {
    await execFileAsync("go", ["version"]);
    return true;
  } catch {
    return false;
  }
}

/** Builds (or reuses) the oracle and returns its path. */
export function oracleBinary(): Promise<string> {
  binary ??= execFileAsync("bash", [join(here, "build.sh")], { maxBuffer: 64 * 1024 * 1024 }).then(({ stdout }) => {
    const path = stdout.trim().split("\n").at(-1);
    if (!path) throw new Error("tools/oracle/build.sh printed no path");
    return path;
  });
  return binary;
}

export async function runOracle(requests: readonly OracleRequest[]): Promise<OracleResponse[]> {
  const bin = await oracleBinary();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`oracle exited ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const responses = JSON.parse(Buffer.concat(out).toString("utf8")) as OracleResponse[];
      if (responses.length !== requests.length) {
        reject(new Error(`oracle answered ${responses.length} of ${requests.length} requests`));
        return;
      }
      resolve(responses);
    });
    child.stdin.end(JSON.stringify(requests));
  });
}

export function b64(bytes: Uint8Array | string): string {
  return Buffer.from(typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes).toString("base64");
}

export function unb64(text: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(text ?? "", "base64"));
}
