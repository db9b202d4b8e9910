/**
 * The process's long-lived resources (the Prisma client, Redis clients, queues, the emitter,
 * parser processes, the AI limiter's connection): whoever opens one registers how to close it
 * here, and `closeAll()` closes each once. Kept on globalThis, since Next.js may load a module
 * twice in one process.
 */

type Close = () => Promise<unknown> | unknown;

const registry = globalThis as unknown as { docsumClosers?: Map<string, Close> };

function closers(): Map<string, Close> {
  registry.docsumClosers ??= new Map();
  return registry.docsumClosers;
}

/** Registers how to close a resource opened under `name` (registering a name again keeps its first place). */
export function closeOnExit(name: string, close: Close): void {
  if (!closers().has(name)) closers().set(name, close);
}

/** Forgets a resource its owner has already closed. */
export function forget(name: string): void {
  closers().delete(name);
}

/**
 * Closes every registered resource once, the last opened first (a queue before the connection it
 * uses); safe to call again. A failure is reported and the rest still close.
 */
export async function closeAll(): Promise<void> {
  const all = [...closers().entries()].reverse();
  closers().clear();
  for (const [name, close] of all) {
    try {
      await close();
    } catch (error) {
      process.stderr.write(`closing ${name} failed: ${(error as Error)?.message}\n`);
    }
  }
}
