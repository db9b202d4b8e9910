/** The configured AI provider, one per process. */
import { env } from "../env";
import { LocalProvider } from "./local";
import type { AiProvider } from "./provider";

export type { AiProvider } from "./provider";

let provider: AiProvider | undefined;

/** The provider named by AI_PROVIDER. */
export function aiProvider(): AiProvider {
  if (!provider) {
    switch (env.AI_PROVIDER) {
      case "local":
        provider = new LocalProvider();
        break;
    }
  }
  return provider;
}
