/** Stage 2: a summary of the extracted text from the configured provider. Runs on the `ai` queue. */
import { UnrecoverableError } from "bullmq";
import { aiProvider } from "@/lib/ai";
import { completeStage } from "@/lib/document-state";
import type { StageJob } from "./stage";

export const summarizeJob: StageJob = {
  stage: "summarize",
  queue: "ai",
  async handle({ document, signal, reportProgress }) {
    if (!document.text) throw new UnrecoverableError(`document ${document.id} has no extracted text`);
    const provider = aiProvider();
    // Long text is split and reduced by the provider; progress follows its chunks.
    const summary = await provider.summarize(document.text, { signal, onProgress: reportProgress });
    await completeStage(document, "summarize", {
      summary,
      provider: provider.name,
      summaryModel: provider.summaryModel,
    });
  },
};
