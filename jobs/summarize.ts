/**
 * Stage 2: a summary of the extracted text from the configured provider. While a provider writes
 * the summary it is published as a draft (batched `document:summary` events and the text so far
 * in Redis); the runner stores the final text with the stage's completion, which announces it.
 */
import { UnrecoverableError } from "bullmq";
import { aiProvider } from "@/lib/ai";
import { clearDraft, draftPublisher } from "@/lib/ai/summary-draft";
import { storedOutline } from "@/lib/documents";
import type { StageHandler } from "./handler";

export const summarize: StageHandler = {
  async handle({ document, signal, reportProgress }) {
    if (!document.text) throw new UnrecoverableError(`document ${document.id} has no extracted text`);
    const provider = aiProvider();
    // A run that died in the middle may have left its half behind.
    await clearDraft(document.id);
    const draft = draftPublisher(document);
    try {
      // Long text is split and reduced by the provider; progress follows its chunks.
      const summary = await provider.summarize(document.text, {
        title: document.title,
        outline: storedOutline(document.outline),
        signal,
        onProgress: reportProgress,
        onDraft: (text) => draft.update(text),
        onRetry: () => draft.restart(),
      });
      await draft.close();
      return { output: { summary, provider: provider.name, summaryModel: provider.summaryModel } };
    } catch (error) {
      await (signal.aborted ? draft.discard() : draft.fail());
      throw error;
    }
  },
};
