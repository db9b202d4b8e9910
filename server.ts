/**
 * The web process: one HTTP server that serves Next.js and Socket.IO on one port.
 * `createApplication` builds it; running this file (`npm run web`) starts it.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { authenticate, sameOrigin, type RequestHead } from "@/lib/auth";
import { closeAll } from "@/lib/connections";
import { env } from "@/lib/env";
import { inLogContext, logger, withLogContext } from "@/lib/logger";
import { METRICS_PATH, metricsAccess, metricsText, startMetricsReports } from "@/lib/metrics";
import { createQueueDashboard, dashboardRefusedPage, DASHBOARD_PATH } from "@/lib/queue-dashboard";
import { stampClientAddress, isHttps } from "@/lib/request-info";
import { appPolicy, baseHeaders, dashboardPolicy, newNonce } from "@/lib/security-headers";
import { setupToken } from "@/lib/setup-token";
import { handleUpload, UPLOAD_PATH } from "@/lib/upload-request";
import { createSocketServer } from "@/lib/socket-server";
import { hasUsers } from "@/lib/users";

export interface Application {
  httpServer: Server;
  url: string;
  close(): Promise<void>;
}

/** The queue dashboard is for administrators: others are sent to sign in, or refused. */
async function dashboardAccess(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const user = await authenticate({ cookie: req.headers.cookie, authorization: req.headers.authorization });
  // A change made with the cookie must come from this site's own pages, as everywhere else.
  const cookieChange = !req.headers.authorization && req.method !== "GET" && req.method !== "HEAD";
  if (user?.isAdmin && cookieChange && !sameOrigin(req.headers.origin, req.headers["x-forwarded-host"] ?? req.headers.host)) {
    res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "This request came from another site." }));
    return false;
  }
  if (user?.isAdmin) return true;
  const page = req.method === "GET" && (req.headers.accept ?? "").includes("text/html");
  if (!user && page) {
    res.writeHead(303, { Location: "/login" }).end();
  } else if (page) {
    // A person in a browser reads why, with the way back; the status stays 403.
    res.writeHead(403, { "Content-Type": "text/html; charset=utf-8" }).end(dashboardRefusedPage());
  } else {
    res.writeHead(user ? 403 : 401, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: user ? "Only an administrator can see the queues." : "Sign in as an administrator." }));
  }
  return false;
}

/** `GET /metrics`: the installation's Prometheus metrics, for METRICS_TOKEN or an administrator's API token. */
async function serveMetrics(req: IncomingMessage, res: ServerResponse, ownName: string): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "application/json" }).end(JSON.stringify({ error: "Use GET." }));
    return;
  }
  const access = await metricsAccess(req.headers.authorization);
  if (access !== 200) {
    const error = access === 401 ? "Send METRICS_TOKEN or an administrator's API token as \"Authorization: Bearer <token>\"." : "Only an administrator's token can read the metrics.";
    res.writeHead(access, { "Content-Type": "application/json", ...(access === 401 ? { "WWW-Authenticate": "Bearer" } : {}) }).end(JSON.stringify({ error }));
    return;
  }
  const { body, contentType } = await metricsText(ownName);
  res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
}

/** The request's method and headers as a Web request's (its body is read from `req` itself). */
function requestHead(req: IncomingMessage): RequestHead {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return { method: req.method ?? "POST", headers };
}

/** `POST /api/documents`, before Next.js: busboy reads the Node request itself. */
async function serveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const response = await handleUpload(requestHead(req), req);
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
  // A refusal sent before the body's end: the rest is read and dropped (as Node does with a body
  // nobody read), so the client reads the answer and the connection stays usable.
  if (!req.readableEnded) req.resume();
}

/** Paths whose requests are logged at debug only: static files, health checks and scrapes. */
function isQuietPath(pathname: string): boolean {
  return pathname.startsWith("/_next/") || pathname === "/api/health" || pathname === METRICS_PATH || pathname === "/favicon.ico";
}

/** One line per request when it ends: method, path (never the query, which may hold a token), status, time. */
function logRequest(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const started = process.hrtime.bigint();
  res.once("close", inLogContext(() => {
    const fields = { method: req.method, path: pathname, status: res.statusCode, durationMs: Number(process.hrtime.bigint() - started) / 1e6, aborted: !res.writableFinished || undefined };
    if (isQuietPath(pathname)) logger.debug("request", fields);
    else logger[res.statusCode >= 500 ? "error" : "info"]("request", fields);
  }));
}

/** Prepares Next.js, attaches Socket.IO and listens on `port` (0 picks a free one). */
export async function createApplication(options: { port: number; host?: string; dev?: boolean }): Promise<Application> {
  const dev = options.dev ?? env.NODE_ENV === "development";
  const app = next({ dev, dir: path.resolve(import.meta.dirname) });
  await app.prepare();
  const handle = app.getRequestHandler();

  const dashboard = createQueueDashboard();
  const processName = startMetricsReports("web");
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const pathname = url.split("?")[0];
    logRequest(req, res, pathname);
    stampClientAddress(req);
    for (const [name, value] of Object.entries(baseHeaders({ https: isHttps(req) }))) res.setHeader(name, value);
    if (pathname === METRICS_PATH) {
      serveMetrics(req, res, processName).catch((error: Error) => {
        logger.error("metrics scrape failed", { error: error.message });
        if (!res.headersSent) res.writeHead(503, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "The metrics could not be read now." }));
      });
      return;
    }
    if (pathname === UPLOAD_PATH && req.method === "POST") {
      serveUpload(req, res).catch((error: Error) => {
        logger.error("upload failed", { error: error.stack ?? error.message });
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "Something went wrong on our side. Please try again." }));
      });
      return;
    }
    const toDashboard = url === DASHBOARD_PATH || url.startsWith(`${DASHBOARD_PATH}/`) || url.startsWith(`${DASHBOARD_PATH}?`);
    if (toDashboard) res.setHeader("Content-Security-Policy", dashboardPolicy());
    else {
      // Next.js reads the nonce from the request's policy and puts it on the scripts it renders.
      const policy = appPolicy(newNonce(), { dev });
      req.headers["content-security-policy"] = policy;
      res.setHeader("Content-Security-Policy", policy);
    }
    if (toDashboard) {
      dashboardAccess(req, res).then(
        (allowed) => allowed && dashboard(req, res),
        (error: Error) => {
          logger.error("dashboard access check failed", { error: error.message });
          res.writeHead(503).end();
        },
      );
    } else void handle(req, res);
  };
  const httpServer = createServer((req, res) => {
    // Each request's log lines carry its id (sent back as X-Request-Id), and its jobs' lines too.
    const requestId = randomUUID();
    res.setHeader("X-Request-Id", requestId);
    withLogContext({ requestId }, () => serve(req, res));
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
      await closeAll();
    },
  };
}

async function main() {
  const application = await createApplication({ port: env.PORT });
  // A new installation: the setup link's token exists before anyone is told about it.
  if (!(await hasUsers())) setupToken();
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
