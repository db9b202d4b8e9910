/**
 * Stage 3: the document's embedding, the normalised mean of its chunks' embeddings, stored as
 * unit-length float32 bytes (`encodeVector`).
 */
import { UnrecoverableError } from "bullmq";
import { aiProvider } from "@/lib/ai";
import { splitIntoChunks } from "@/lib/ai/chunking";
import { encodeVector, meanVector } from "@/lib/ai/vector";
import { env } from "@/lib/env";
import type { StageHandler } from "./handler";

export const embed: StageHandler = {
  async handle({ document, signal, reportProgress }) {
    const chunks = splitIntoChunks(document.text ?? "", { maxTokens: env.CHUNK_TOKENS, overlapTokens: env.CHUNK_OVERLAP_TOKENS });
    if (chunks.length === 0) throw new UnrecoverableError(`document ${document.id} has no extracted text`);
    const provider = aiProvider();
    // Progress follows the embedding batches sent.
    const vectors = await provider.embed(
      chunks.map((chunk) => chunk.text),
      { signal, onProgress: reportProgress },
    );
    return { output: { vector: encodeVector(meanVector(vectors)), embeddingModel: provider.embeddingModel } };
  },
};
