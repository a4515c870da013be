/**
 * A loopback TCP port on the host that pipes to a unix socket, the host end of relay.ts: the test process,
 * helm and kubectl reach the apiserver and moto inside the node's network namespace through it.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export class HostBridge {
  readonly port: number;
  readonly #server: Server;
  readonly #sockets: Set<Socket>;

  private constructor(server: Server, port: number, sockets: Set<Socket>) {
    this.#server = server;
    this.port = port;
    this.#sockets = sockets;
  }

  static async open(socketPath: string): Promise<HostBridge> {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(socketPath);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        if (typeof address === "object" && address) resolve(address.port);
        else reject(new Error("no port"));
      });
    });
    return new HostBridge(server, port, sockets);
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
