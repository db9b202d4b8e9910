/** The configured AI provider, one per process. */
import { env } from "../env";
import { closeOnExit } from "../connections";
import { createBlockingConnection, redisKey } from "../redis";
import { LocalProvider } from "./local";
import { OpenAiProvider } from "./openai";
import type { AiProvider } from "./provider";
import { RedisRateLimiter } from "./rate-limit";

export type { AiProvider } from "./provider";

let provider: AiProvider | undefined;

/** The provider named by AI_PROVIDER. */
export function aiProvider(): AiProvider {
  provider ??= env.AI_PROVIDER === "openai" ? openAiProvider() : new LocalProvider();
  return provider;
}

/** The OpenAI-compatible provider from the environment, paced by the limiter all worker processes share. */
function openAiProvider(): OpenAiProvider {
  const redis = createBlockingConnection();
  closeOnExit("AI rate limiter", () => redis.quit().catch(() => redis.disconnect()));
  const limiter = new RedisRateLimiter(
    redis,
    { requestsPerMinute: env.AI_REQUESTS_PER_MINUTE, tokensPerMinute: env.AI_TOKENS_PER_MINUTE },
    // One budget, so its three keys share one tag (one cluster slot, as the limiter's script needs).
    redisKey("ai-rate", "budget"),
  );
  return new OpenAiProvider(
    {
      apiKey: env.OPENAI_API_KEY!,
      baseURL: env.OPENAI_BASE_URL,
      summaryModel: env.SUMMARY_MODEL,
      embeddingModel: env.EMBEDDING_MODEL,
      embeddingDimensions: env.EMBEDDING_DIMENSIONS,
      timeoutMs: env.AI_TIMEOUT_MS,
      chunk: { maxTokens: env.CHUNK_TOKENS, overlapTokens: env.CHUNK_OVERLAP_TOKENS },
      tokensPerMinute: env.AI_TOKENS_PER_MINUTE,
      defaultRetryAfterMs: env.RATE_LIMIT_DEFAULT_MS,
    },
    limiter,
  );
}
