/** Stage 2: a summary of the extracted text from the configured provider. */
import { UnrecoverableError } from "bullmq";
import { aiProvider } from "@/lib/ai";
import type { StageHandler } from "./handler";

export const summarize: StageHandler = {
  async handle({ document, signal, reportProgress }) {
    if (!document.text) throw new UnrecoverableError(`document ${document.id} has no extracted text`);
    const provider = aiProvider();
    // Long text is split and reduced by the provider; progress follows its chunks.
    const summary = await provider.summarize(document.text, { signal, onProgress: reportProgress });
    return { output: { summary, provider: provider.name, summaryModel: provider.summaryModel } };
  },
};
