// Where a Go wasm module's bytes go: function body sizes from the code section, summed by Go package using
// the names in the "name" custom section. Needs a build with symbols (no -ldflags "-s -w"), e.g.
//   GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o /tmp/engine-syms.wasm .   (in tools/template-wasm)
//   node tools/template-wasm/wasm-code-size.ts /tmp/engine-syms.wasm [top]
// Go mangles package paths in wasm names ("/" and "-" → "_", e.g. k8s.io_api_core_v1.Secret.Size), so
// packages are grouped, and printed, by that mangled prefix: up to the first "." after the module's host.
import { readFileSync } from "node:fs";

const bytes = readFileSync(process.argv[2] ?? "");
const top = Number(process.argv[3] ?? "25");

function leb(at: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++]!;
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [result, at];
  }
}

function name(at: number): [string, number] {
  const [len, start] = leb(at);
  return [bytes.subarray(start, start + len).toString("utf8"), start + len];
}

let importedFunctions = 0;
const bodySizes: number[] = [];
const names = new Map<number, string>();
let dataBytes = 0;
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at]!;
  const [size, start] = leb(at + 1);
  const end = start + size;
  if (id === 2) {
    // Imports: function imports come first in the function index space.
    let [count, p] = leb(start);
    for (; count > 0; count--) {
      p = name(p)[1];
      p = name(p)[1];
      const kind = bytes[p++]!;
      if (kind !== 0) throw new Error(`import kind ${kind} not handled`);
      p = leb(p)[1];
      importedFunctions++;
    }
  } else if (id === 10) {
    let [count, p] = leb(start);
    for (; count > 0; count--) {
      const [len, body] = leb(p);
      bodySizes.push(len);
      p = body + len;
    }
  } else if (id === 11) {
    dataBytes = size;
  } else if (id === 0) {
    const [section, p0] = name(start);
    for (let p = p0; section === "name" && p < end; ) {
      const sub = bytes[p]!;
      const [len, subStart] = leb(p + 1);
      if (sub === 1) {
        let [count, q] = leb(subStart);
        for (; count > 0; count--) {
          const [index, r] = leb(q);
          const [fn, next] = name(r);
          names.set(index, fn);
          q = next;
        }
      }
      p = subStart + len;
    }
  }
  at = end;
}
if (names.size === 0) throw new Error("no function names: build without -ldflags \"-s -w\"");

function packageOf(fn: string): string {
  const bare = fn.replace(/^[(*]+/, "");
  if (bare.startsWith("type:")) return "type: (generated eq/hash)";
  const underscore = bare.indexOf("_");
  // A module host (k8s.io_…, github.com_…, go.yaml.in_…) has dots of its own: skip past it.
  const hosted = underscore > 0 && /\.(io|com|org|in|xyz|cat|net|dev)$/.test(bare.slice(0, underscore));
  const dot = bare.indexOf(".", hosted ? underscore : 0);
  return dot > 0 ? bare.slice(0, dot) : bare;
}

const byPackage = new Map<string, number>();
bodySizes.forEach((size, i) => {
  const pkg = packageOf(names.get(i + importedFunctions) ?? "?");
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + size);
});
const total = bodySizes.reduce((a, b) => a + b, 0);
const mb = (n: number) => (n / 1e6).toFixed(2).padStart(6);
console.log(`${mb(bytes.length)} MB file: ${mb(total)} MB of code in ${bodySizes.length} functions, ${mb(dataBytes)} MB of data`);
for (const [pkg, size] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${mb(size)} MB ${((100 * size) / total).toFixed(1).padStart(5)}%  ${pkg}`);
}
