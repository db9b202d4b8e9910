import { getBatch } from "@/lib/batches";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** How far one upload request's documents have come: `{ id, total, done, failed, active, etaSeconds }` (another owner's: 404). */
export const GET = withUser<{ id: string }>(async (_request, user, params) => Response.json(await getBatch(user.id, routeId(params, "batch"))));
