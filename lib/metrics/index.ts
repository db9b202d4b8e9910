/** Prometheus metrics: the process's registry, its reports through Redis, and what `GET /metrics` answers. */
export { metrics, type Metrics } from "./registry";
export { startMetricsReports, REPORT_EVERY_MS } from "./reports";
export { metricsAccess, metricsText } from "./scrape";
export { observeStage, observeStageWait } from "./stage";

/** Where the web process serves the metrics. */
export const METRICS_PATH = "/metrics";
