/**
 * Figure 1's baseline, run as its own process: a bare node:http server that reads every request
 * body to the end and answers 202 with a small JSON body. Prints its port on the first line.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer((req, res) => {
  req.resume();
  req.once("end", () => {
    res.writeHead(202, { "content-type": "application/json" });
    res.end('{"documents":[]}');
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, "127.0.0.1", () => console.log((server.address() as AddressInfo).port));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
