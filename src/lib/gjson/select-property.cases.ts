/**
 * `remoteRef.property` cases for ESO's AWS Secrets Manager rule; the oracle test runs them through
 * ESO's own provider (GetSecret with a fake AWS transport). A Uint8Array payload is a SecretBinary.
 */
export interface PropertyCase {
  name: string;
  payload: string | Uint8Array;
  property: string;
  /** The value ESO writes; null when ESO fails with "key ... does not exist in secret". */
  want: string | Uint8Array | null;
}

const both = `{"a.b":"literal","a":{"b":"nested"}}`;
const db = `{"username":"admin","password":"p@ss.w0rd","port":5432,"ssl":true,"opts":{"pool": 5},"hosts":["h1","h2"],"nothing":null,"db.host":"dotted","e":1e3}`;

export const propertyCases: PropertyCase[] = [
  { name: "plain key", payload: db, property: "username", want: "admin" },
  { name: "number as text", payload: db, property: "port", want: "5432" },
  { name: "bool as text", payload: db, property: "ssl", want: "true" },
  { name: "object as raw JSON", payload: db, property: "opts", want: `{"pool": 5}` },
  { name: "array as raw JSON", payload: db, property: "hosts", want: `["h1","h2"]` },
  { name: "null is an empty value", payload: db, property: "nothing", want: "" },
  { name: "exponent reformatted", payload: db, property: "e", want: "1000" },
  { name: "missing key fails", payload: db, property: "nope", want: null },
  { name: "literal dotted key", payload: db, property: "db.host", want: "dotted" },
  { name: "escaped form wins over the path", payload: both, property: "a.b", want: "literal" },
  { name: "dots as a path when no literal key", payload: `{"a":{"b":"nested"}}`, property: "a.b", want: "nested" },
  { name: "no partial escaping", payload: `{"a.b":{"c":"x"},"a":{"b":{"c":"y"}}}`, property: "a.b.c", want: "y" },
  { name: "whole dotted key", payload: `{"a.b.c":"whole"}`, property: "a.b.c", want: "whole" },
  { name: "array index path", payload: db, property: "hosts.1", want: "h2" },
  { name: "array length", payload: db, property: "hosts.#", want: "2" },
  { name: "query with dots", payload: `{"users":[{"n":"a","r":"x"},{"n":"b","r":"y"}]}`, property: 'users.#(n=="b").r', want: "y" },
  { name: "wildcard", payload: db, property: "user*", want: "admin" },
  { name: "top-level array", payload: `["x","y"]`, property: "1", want: "y" },
  { name: "not JSON", payload: "just a password", property: "password", want: null },
  { name: "value with a dot", payload: db, property: "password", want: "p@ss.w0rd" },
  { name: "unicode key", payload: `{"пароль":"секрет"}`, property: "пароль", want: "секрет" },
  { name: "binary payload", payload: new Uint8Array(Buffer.from(`{"k":"v"}`)), property: "k", want: "v" },
  {
    name: "binary payload with invalid UTF-8",
    payload: new Uint8Array([...Buffer.from(`{"k":"`), 0xc3, 0x28, 0xff, ...Buffer.from(`"}`)]),
    property: "k",
    want: new Uint8Array([0xc3, 0x28, 0xff]),
  },
  { name: "dotted key inside binary", payload: new Uint8Array(Buffer.from(`{"x.y":"1","x":{"y":"2"}}`)), property: "x.y", want: "1" },
];
