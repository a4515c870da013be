/**
 * The JSON boundary of Ferry's template engine (tools/template-wasm/engine.go). Byte strings travel base64 so
 * values that are not UTF-8 survive exactly. Shared by the wasm host, the worker and the native oracle tests.
 */

/** One call of ESO's template ExecFunc: a map of templates applied in one scope to one target. */
export interface WireStep {
  templates: Record<string, string>; // key -> base64 template text
  scope: "Values" | "KeysAndValues";
  target: "Data" | "Labels" | "Annotations";
}

export interface WireSecret {
  data?: Record<string, string> | null; // base64
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}

export type WireRequest =
  | { op: "execute"; steps: WireStep[]; data: Record<string, string>; secret?: WireSecret; maxOutputBytes?: number }
  | { op: "parse"; templates: Record<string, string> }
  | { op: "functions" };

export interface WireResponse {
  error?: string;
  step?: number;
  secret?: WireSecret;
  parseErrors?: Record<string, string>;
  functions?: string[];
}

export function toBase64(bytes: Uint8Array | string): string {
  return (typeof bytes === "string" ? Buffer.from(bytes, "utf8") : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString("base64");
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "base64"));
}
