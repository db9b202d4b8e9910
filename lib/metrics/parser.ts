/** The parser processes' measures (lib/isolation/child-pool.ts, lib/parsing/ocr.ts). */
import { metrics } from "./registry";

export type KillReason = "memory" | "time" | "crash" | "cancelled";

/** Counts a parser process stopped while it read a file: `docsum_parser_kills_total{reason}`. */
export function countParserKill(reason: KillReason): void {
  metrics().parserKills.inc({ reason });
}
