/** Queuing the job table's tasks (the jobs that are not document stages). */
import type { z } from "zod";
import { defaultJobOptions, queue } from "@/lib/queues";
import { TASK_TABLE, type QueueName, type TaskName } from "./table";

type Payload<N extends TaskName> = z.input<Extract<(typeof TASK_TABLE)[number], { name: N }>["payload"]>;

/** The queue a task runs on. */
export function taskQueue(name: TaskName): QueueName {
  return TASK_TABLE.find((task) => task.name === name)!.queue;
}

/** Queues a task on its queue; a job id already queued (or kept after it ran) is not queued again. */
export async function enqueueTask<N extends TaskName>(name: N, payload: Payload<N>, jobId: string): Promise<void> {
  await queue(taskQueue(name)).add(name, payload, { ...defaultJobOptions, jobId });
}
