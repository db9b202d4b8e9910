/** The queue dashboard (Bull Board) at /admin/queues: the queues, their jobs and failures. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import express, { type NextFunction, type Request, type Response } from "express";
import { QUEUE_NAMES } from "./pipeline/table";
import { queue } from "./queues";

export const DASHBOARD_PATH = "/admin/queues";

/** The dashboard page's stylesheet link to a font on another site (the policy blocks it; the system's sans-serif reads as well). */
const REMOTE_FONT = /<link[^>]+href="https:\/\/fonts\.googleapis\.com\/[^"]*"[^>]*>\s*/g;

/** A link back to the app, fixed in a corner of the dashboard so it shows on every one of its screens. */
const BACK_LINK =
  '<a href="/" data-testid="back-to-app" style="position:fixed;right:1rem;bottom:1rem;z-index:1000;padding:0.6rem 1rem;min-height:44px;box-sizing:border-box;' +
  'background:#ffffff;color:#174a96;font:600 16px system-ui,sans-serif;border:1px solid #174a96;border-radius:8px;text-decoration:none">← Back to Docsum</a>';

/** The dashboard's HTML page as this app serves it: no font from elsewhere, and a way back to the app. */
function dashboardHtml(html: string): string {
  return html.replace(REMOTE_FONT, "").replace(/<\/body>/, `${BACK_LINK}</body>`);
}

/** Rewrites the dashboard's HTML answers (its entry page) with `dashboardHtml`; JSON and static files pass unchanged. */
function rewriteHtml(_req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => send(typeof body === "string" && body.startsWith("<!DOCTYPE html>") ? dashboardHtml(body) : body);
  next();
}

/** A request handler serving the dashboard under DASHBOARD_PATH. */
export function createQueueDashboard(): (req: IncomingMessage, res: ServerResponse) => void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Docsum queues", miscLinks: [{ text: "Back to Docsum", url: "/" }] } },
  });
  const app = express();
  app.disable("x-powered-by");
  app.use(DASHBOARD_PATH, rewriteHtml, serverAdapter.getRouter());
  return app;
}

/** The page a signed-in person who is not an administrator gets at the dashboard (status 403): what it is and where to go instead. */
export function dashboardRefusedPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Only for administrators · Docsum</title>
<link rel="icon" href="/favicon.ico" sizes="any">
<style>
:root { color-scheme: light dark; --text: #1f2328; --muted: #59636e; --background: #fbfbfa; --accent: #1f5fbf; }
@media (prefers-color-scheme: dark) { :root { --text: #e6edf3; --muted: #9ea7b3; --background: #0d1117; --accent: #6cb6ff; } }
body { margin: 0; font: 16px/1.55 system-ui, sans-serif; color: var(--text); background: var(--background); }
main { max-width: 40rem; margin: 0 auto; padding: 3rem 1.25rem; }
h1 { font-size: 1.6rem; line-height: 1.25; }
p { color: var(--muted); }
a { color: var(--accent); display: inline-flex; align-items: center; min-height: 44px; }
</style>
</head>
<body>
<main>
<h1>The queues are for administrators</h1>
<p>This page shows the background jobs of everyone's documents, so only an administrator of this installation can open it. Your own documents and their progress are in your library.</p>
<p><a href="/">Back to your documents</a></p>
</main>
</body>
</html>`;
}
