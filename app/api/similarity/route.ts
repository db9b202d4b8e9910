import { getSimilarityStatus } from "@/lib/documents";
import { withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** The owner's library statistics and the progress of re-embedding the library under them. */
export const GET = withUser(async (_request, user) => Response.json(await getSimilarityStatus(user.id)));
