/**
 * An in-between for figure 1, run as its own process: a bare node:http server that receives the
 * upload with the app's own `receiveUpload` (busboy, sha256, streaming to storage under
 * STORAGE_DIR) and answers 202, without Next.js, the database or the queue. The stored files stay,
 * as the app's do, in a scratch folder the figure removes. Prints its port on the first line.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { receiveUpload } from "@/lib/upload";

const server = createServer(async (req, res) => {
  try {
    const { files } = await receiveUpload(req.headers["content-type"] ?? null, req);
    res.writeHead(202, { "content-type": "application/json" });
    res.end(JSON.stringify({ documents: files.map((file) => ({ id: file.storageKey })) }));
  } catch (error) {
    res.writeHead((error as { status?: number }).status ?? 500);
    res.end();
  }
});
server.listen(0, "127.0.0.1", () => console.log((server.address() as AddressInfo).port));
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
