/**
 * The web process: one HTTP server that serves Next.js and Socket.IO on one port.
 * `createApplication` builds it (tests start it on a free port); running this file starts it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { closeProgress } from "@/lib/progress";
import { closeQueues } from "@/lib/queues";
import { createQueueDashboard, DASHBOARD_PATH } from "@/lib/queue-dashboard";
import { createSocketServer } from "@/lib/socket-server";

export interface Application {
  httpServer: Server;
  url: string;
  close(): Promise<void>;
}

/** Prepares Next.js, attaches Socket.IO and listens on `port` (0 picks a free one). */
export async function createApplication(options: { port: number; host?: string; dev?: boolean }): Promise<Application> {
  const dev = options.dev ?? env.NODE_ENV === "development";
  const app = next({ dev, dir: path.resolve(import.meta.dirname) });
  await app.prepare();
  const handle = app.getRequestHandler();

  const dashboard = createQueueDashboard();
  const httpServer = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === DASHBOARD_PATH || url.startsWith(`${DASHBOARD_PATH}/`) || url.startsWith(`${DASHBOARD_PATH}?`)) dashboard(req, res);
    else void handle(req, res);
  });
  const sockets = createSocketServer(httpServer);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host ?? env.HOST, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;

  return {
    httpServer,
    url: `http://localhost:${port}`,
    async close() {
      await sockets.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await app.close?.();
      await Promise.all([closeProgress(), closeQueues(), prisma.$disconnect()]);
    },
  };
}

async function main() {
  const application = await createApplication({ port: env.PORT });
  logger.info("web started", { url: application.url, pid: process.pid });
  console.log(`Docsum is listening on ${application.url}`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("web stopping", { signal });
    const timer = setTimeout(() => process.exit(1), 10_000);
    await application.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    logger.error("web failed to start", { error: error.stack ?? error.message });
    process.exit(1);
  });
}
