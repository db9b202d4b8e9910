/** Every stage job, by stage name (the BullMQ job name). */
import type { Stage } from "@/lib/events";
import { embedJob } from "./embed";
import { extractJob } from "./extract";
import { findSimilarJob } from "./find-similar";
import type { StageJob } from "./stage";
import { summarizeJob } from "./summarize";

export const STAGE_JOBS: Record<Stage, StageJob> = {
  extract: extractJob,
  summarize: summarizeJob,
  embed: embedJob,
  similar: findSimilarJob,
};
