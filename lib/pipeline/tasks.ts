/** Queuing the job table's tasks (the jobs that are not document stages). */
import type { z } from "zod";
import { defaultJobOptions, queue } from "@/lib/queues";
import { TASK_TABLE, type TaskName } from "./table";

type Payload<N extends TaskName> = z.input<Extract<(typeof TASK_TABLE)[number], { name: N }>["payload"]>;

/** Queues a task on its queue; a job id already queued (or kept after it ran) is not queued again. */
export async function enqueueTask<N extends TaskName>(name: N, payload: Payload<N>, jobId: string): Promise<void> {
  const row = TASK_TABLE.find((task) => task.name === name)!;
  await queue(row.queue).add(name, payload, { ...defaultJobOptions, jobId });
}
