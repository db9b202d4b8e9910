import { prisma } from "@/lib/db";
import { sharedRedis } from "@/lib/redis";
import { clientAddress, isLoopback } from "@/lib/request-info";
import { fileStorage } from "@/lib/storage";

export const dynamic = "force-dynamic";

const CHECK_TIMEOUT_MS = 3_000;

/** Whether `probe` succeeds within the time limit. */
async function reachable(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this web process reaches what it needs: the database, Redis and file storage (naming
 * the driver). 200 when all answer, 503 naming those that do not. Open to all, for start-up
 * scripts and load balancers.
 */
export async function GET(request: Request) {
  const storage = fileStorage();
  let users: number | undefined;
  const [database, redis, storageOk] = await Promise.all([
    reachable(async () => {
      users = await prisma.user.count();
    }),
    reachable(() => sharedRedis().ping()),
    reachable(() => storage.check()),
  ]);
  const down = [...(database ? [] : ["database"]), ...(redis ? [] : ["redis"]), ...(storageOk ? [] : ["storage"])];
  const body = {
    ok: down.length === 0,
    database,
    redis,
    storage: { driver: storage.driver, ok: storageOk },
    // `firstRun` (no account yet) is told only on this machine: it is what `npm start` asks.
    ...(users === undefined || !isLoopback(clientAddress(request)) ? {} : { firstRun: users === 0 }),
    ...(down.length > 0 ? { error: `${down.join(", ")} unreachable` } : {}),
  };
  return Response.json(body, { status: down.length === 0 ? 200 : 503 });
}
