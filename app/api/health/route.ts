import { prisma } from "@/lib/db";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for start-up scripts and load balancers. Open to all. */
export async function GET() {
  try {
    // `firstRun`: no account yet, the first visit creates the admin (the pages say so to anyone too).
    const users = await prisma.user.count();
    return Response.json({ ok: true, firstRun: users === 0 });
  } catch {
    return Response.json({ ok: false, error: "database unreachable" }, { status: 503 });
  }
}
