/**
 * Stage 3: the document's embedding, stored as unit-length float32 bytes (`encodeVector`), with
 * what the document is known by: its key terms (explanations) and its MinHash signature
 * (near-duplicates). The local provider embeds the whole text under the owner's library
 * statistics; others embed chunks and keep their normalised mean.
 */
import { UnrecoverableError } from "bullmq";
import { aiProvider } from "@/lib/ai";
import { splitIntoChunks } from "@/lib/ai/chunking";
import { encodeVector, meanVector } from "@/lib/ai/vector";
import { env } from "@/lib/env";
import { currentStatistics, describeText } from "@/lib/similarity";
import type { StageHandler } from "./handler";

export const embed: StageHandler = {
  async handle({ document, signal, reportProgress }) {
    const text = document.text ?? "";
    if (text.trim().length === 0) throw new UnrecoverableError(`document ${document.id} has no extracted text`);
    const provider = aiProvider();
    const statistics = await currentStatistics(document.ownerId);
    // Progress follows the embedding batches sent, up to the key terms' step.
    await reportProgress(0.1, "Embedding the text");
    const options = { signal, onProgress: (fraction: number) => reportProgress(0.1 + 0.7 * fraction), statistics };
    // Chunks only for a provider that embeds pieces (tokenizing the whole text has its cost).
    const embedded = provider.embedDocument
      ? await provider.embedDocument(text, options)
      : { vector: meanVector(await provider.embed(splitIntoChunks(text, { maxTokens: env.CHUNK_TOKENS, overlapTokens: env.CHUNK_OVERLAP_TOKENS }).map((chunk) => chunk.text), options)) };
    await reportProgress(0.8, "Finding key terms");
    const { vector } = embedded;
    const { keyTerms, minhash } = embedded.description ?? describeText(text, statistics);
    return {
      output: {
        vector: encodeVector(vector),
        embeddingModel: provider.embeddingModelFor?.(statistics) ?? provider.embeddingModel,
        keyTerms,
        minhash,
      },
    };
  },
};
