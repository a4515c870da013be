// Runs inside the node's namespaces: accepts connections on a unix socket (reachable from the host through
// the filesystem, whatever the network namespace) and pipes each to a TCP address inside the namespace.
//   node relay.ts <socket> <host> <port>
import { connect, createServer } from "node:net";
import { rmSync } from "node:fs";

const [socket, host, port] = process.argv.slice(2);
if (!socket || !host || !port) {
  console.error("usage: relay.ts <socket> <host> <port>");
  process.exit(2);
}
rmSync(socket, { force: true });
createServer((client) => {
  const upstream = connect(Number(port), host);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
}).listen(socket, () => console.error(`relay ${socket} -> ${host}:${port}`));
process.on("SIGTERM", () => process.exit(0));
