/** Stage 3: the document's embedding from the configured provider. Runs on the `ai` queue. */
import { UnrecoverableError } from "bullmq";
import { aiProvider } from "@/lib/ai";
import { completeStage } from "@/lib/document-state";
import type { StageJob } from "./stage";

export const embedJob: StageJob = {
  stage: "embed",
  queue: "ai",
  async handle({ document, signal, reportProgress }) {
    if (!document.text) throw new UnrecoverableError(`document ${document.id} has no extracted text`);
    const provider = aiProvider();
    await reportProgress(0.1);
    const [embedding] = await provider.embed([document.text], { signal });
    await completeStage(document, "embed", { embedding, embeddingModel: provider.embeddingModel });
  },
};
