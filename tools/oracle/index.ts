export { b64, goAvailable, oracleBinary, runOracle, unb64, type OraclePushRequest, type OracleRequest, type OracleResponse } from "./oracle.ts";
export { esoModuleDir } from "./eso-module.ts";
