/** Every job kind's handler, by its name in the job table (lib/pipeline/table.ts). */
import type { Stage, TaskName } from "@/lib/pipeline/table";
import { embed } from "./embed";
import { extract } from "./extract";
import type { StageHandler, TaskHandler } from "./handler";
import { question } from "./question";
import { reconcile } from "./reconcile";
import { reembed } from "./reembed";
import { searchIndex } from "./search-index";
import { similar } from "./similar";
import { similarityStatistics } from "./similarity-statistics";
import { sweep } from "./sweep";
import { summarize } from "./summarize";

export const STAGE_HANDLERS: Record<Stage, StageHandler> = { extract, summarize, embed, similar };

export const TASK_HANDLERS: Record<TaskName, TaskHandler> = { reconcile, sweep, "similarity-statistics": similarityStatistics, reembed, "search-index": searchIndex, question };
