/**
 * The provider side of the Secrets Store CSI driver's gRPC contract: service v1alpha1.CSIDriverProvider
 * (Version, Mount) over a unix socket, no TLS, "secured only through filesystem ACLs" (shared reference
 * §1.3) — so the socket is created owner-only (0600) and its directory is not opened up.
 */
import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { errorFields, type Logger } from "../runtime/logger.ts";
import { MountError } from "./errors.ts";
import type { MountRequestFields, MountResult } from "./mount-service.ts";

/** The .proto both this server and the tests' client are built from. */
export const PROTO_PATH = fileURLToPath(new URL("./v1alpha1.proto", import.meta.url));

/** snake_case field names as in the .proto; bytes as Buffer; every field present. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export const API_VERSION = "v1alpha1";

/** The driver matches SecretProviderClass spec.provider against `<name>.sock` with this pattern. */
export const PROVIDER_NAME_PATTERN = /^[a-zA-Z0-9_-]{0,30}$/;

export function loadProviderService(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(PROTO_PATH, PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { v1alpha1: { CSIDriverProvider: grpc.ServiceClientConstructor } };
  return pkg.v1alpha1.CSIDriverProvider;
}

interface WireMountRequest {
  attributes: string;
  secrets: string;
  target_path: string;
  permission: string;
}

export interface CsiProviderServerOptions {
  socketPath: string;
  mount: (request: MountRequestFields, signal: AbortSignal) => Promise<MountResult>;
  runtimeName: string;
  runtimeVersion: string;
  logger: Logger;
}

export class CsiProviderServer {
  readonly #server: grpc.Server;
  readonly socketPath: string;
  readonly #logger: Logger;
  #inFlight = 0;

  private constructor(server: grpc.Server, socketPath: string, logger: Logger) {
    this.#server = server;
    this.socketPath = socketPath;
    this.#logger = logger;
  }

  /** Mounts being served right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  static async start(options: CsiProviderServerOptions): Promise<CsiProviderServer> {
    const { socketPath, logger } = options;
    await mkdir(dirname(socketPath), { recursive: true });
    await removeStaleSocket(socketPath);

    // Mount responses may be large (the driver accepts up to its --max-call-recv-msg-size); requests are small.
    const server = new grpc.Server({ "grpc.max_send_message_length": -1, "grpc.max_receive_message_length": 4 * 1024 * 1024 });
    const instance = new CsiProviderServer(server, socketPath, logger);
    const service = loadProviderService().service;
    server.addService(service, {
      Version: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        callback(null, { version: API_VERSION, runtime_name: options.runtimeName, runtime_version: options.runtimeVersion });
      },
      Mount: (call: grpc.ServerUnaryCall<WireMountRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        void instance.#mount(call, callback, options.mount);
      },
    });

    // Owner-only from the first instant: the umask covers the window between bind and chmod.
    const previousUmask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
      });
    } finally {
      process.umask(previousUmask);
    }
    await chmod(socketPath, 0o600);
    logger.info({ socket: socketPath }, "CSI provider listening");
    return instance;
  }

  async #mount(
    call: grpc.ServerUnaryCall<WireMountRequest, unknown>,
    callback: grpc.sendUnaryData<unknown>,
    mount: CsiProviderServerOptions["mount"],
  ): Promise<void> {
    const abort = new AbortController();
    call.on("cancelled", () => abort.abort());
    this.#inFlight++;
    try {
      const request = call.request;
      const result = await mount(
        { attributes: request.attributes, secrets: request.secrets, targetPath: request.target_path, permission: request.permission },
        abort.signal,
      );
      callback(null, {
        object_version: result.objectVersions,
        files: result.files.map((f) => ({ path: f.path, mode: f.mode, contents: Buffer.from(f.contents.buffer, f.contents.byteOffset, f.contents.byteLength) })),
      });
    } catch (err) {
      if (err instanceof MountError) callback({ code: err.code, details: err.message });
      else {
        this.#logger.error(errorFields(err), "mount failed");
        callback({ code: grpc.status.INTERNAL, details: "ferry: internal error (see the provider's log)" });
      }
    } finally {
      this.#inFlight--;
    }
  }

  /** Stops accepting mounts, lets running ones finish (up to `graceMs`), removes the socket. */
  async close(graceMs = 10_000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.#server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await unlink(this.socketPath).catch(() => undefined);
  }
}

/**
 * A socket left by a previous run (crash, SIGKILL) blocks the bind; one that still answers belongs to a
 * running provider, which must not be taken over.
 */
async function removeStaleSocket(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
  if (alive) throw new Error(`${path} is in use by another running provider`);
  await unlink(path);
}
