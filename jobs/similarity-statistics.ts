/** Counts a new version of an owner's library statistics, then queues the re-embedding of the library under it. */
import { z } from "zod";
import { reembedJobId } from "@/lib/pipeline/table";
import { enqueueTask } from "@/lib/pipeline/tasks";
import { countStatistics } from "@/lib/similarity";
import type { TaskHandler } from "./handler";

const payload = z.object({ ownerId: z.string().min(1) });

export const similarityStatistics: TaskHandler = {
  async handle(data, signal) {
    const { ownerId } = payload.parse(data);
    const statistics = await countStatistics(ownerId, signal);
    await enqueueTask("reembed", { ownerId }, reembedJobId(ownerId, statistics.version));
    return { version: statistics.version, documents: statistics.documents };
  },
};
