/**
 * gjson's Result: its type, its raw JSON text, and its String() form, which is what ESO writes into the
 * Kubernetes Secret for a `property` lookup.
 */
import { byteStringToBytes, byteStringToText, type ByteString } from "./bytes.ts";
import { goFormatFloat } from "./go-float.ts";

export type GjsonType = "Null" | "False" | "Number" | "String" | "True" | "JSON";

/** The evaluator's working form: byte strings, exactly gjson's fields. */
export interface RawResult {
  type: GjsonType;
  /** The value's JSON text as in the source; empty for "not found". */
  raw: ByteString;
  /** The unescaped value of a String. */
  str: ByteString;
  num: number;
}

export const NOT_FOUND: RawResult = Object.freeze({ type: "Null", raw: "", str: "", num: 0 });

/** Result.Exists(): anything but a Null with no raw text (a JSON null has raw text "null"). */
export function resultExists(r: RawResult): boolean {
  return r.type !== "Null" || r.raw.length !== 0;
}

/** Result.String(). */
export function resultString(r: RawResult): ByteString {
  switch (r.type) {
    case "False":
      return "false";
    case "True":
      return "true";
    case "String":
      return r.str;
    case "JSON":
      return r.raw;
    case "Number": {
      if (r.raw.length === 0) return goFormatFloat(r.num);
      // A plain integer keeps its text (so big integers are not rounded); anything else is reformatted.
      for (let i = r.raw[0] === "-" ? 1 : 0; i < r.raw.length; i++) {
        const c = r.raw.charCodeAt(i);
        if (c < 0x30 || c > 0x39) return goFormatFloat(r.num);
      }
      return r.raw;
    }
    case "Null":
      return "";
  }
}

export interface GjsonResult {
  readonly type: GjsonType;
  /** Result.Exists(). A JSON null exists (its value is ""); a missing path does not. */
  readonly exists: boolean;
  /** Result.Raw as text: the value's JSON exactly as in the source, whitespace included. */
  readonly raw: string;
  /** Result.String() as text: strings unquoted, numbers and booleans as text, objects/arrays raw. */
  readonly value: string;
  /** Result.Raw as bytes, exact even for input that is not UTF-8. */
  readonly rawBytes: Uint8Array;
  /** Result.String() as bytes, exact even for input that is not UTF-8. */
  readonly valueBytes: Uint8Array;
  /** Result.Num: the parsed number for a Number, else 0. */
  readonly num: number;
}

export function toGjsonResult(r: RawResult): GjsonResult {
  const value = resultString(r);
  return {
    type: r.type,
    exists: resultExists(r),
    raw: byteStringToText(r.raw),
    value: byteStringToText(value),
    rawBytes: byteStringToBytes(r.raw),
    valueBytes: byteStringToBytes(value),
    num: r.num,
  };
}
