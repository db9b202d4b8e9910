/** The queue dashboard (Bull Board) at /admin/queues: the queues, their jobs and failures. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import express from "express";
import { QUEUE_NAMES } from "./pipeline/table";
import { queue } from "./queues";

export const DASHBOARD_PATH = "/admin/queues";

/** A request handler serving the dashboard under DASHBOARD_PATH. */
export function createQueueDashboard(): (req: IncomingMessage, res: ServerResponse) => void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queue(name))),
    serverAdapter,
    options: { uiConfig: { boardTitle: "Docsum queues" } },
  });
  const app = express();
  app.disable("x-powered-by");
  app.use(DASHBOARD_PATH, serverAdapter.getRouter());
  return app;
}
