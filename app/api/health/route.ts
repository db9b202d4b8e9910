import { prisma } from "@/lib/db";
import { clientAddress, isLoopback } from "@/lib/request-info";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for start-up scripts and load balancers. Open to all. */
export async function GET(request: Request) {
  try {
    const users = await prisma.user.count();
    // `firstRun` (no account yet) is told only on this machine: it is what `npm start` asks.
    return Response.json(isLoopback(clientAddress(request)) ? { ok: true, firstRun: users === 0 } : { ok: true });
  } catch {
    return Response.json({ ok: false, error: "database unreachable" }, { status: 503 });
  }
}
