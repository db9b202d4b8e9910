import type { Metadata } from "next";
import Link from "next/link";
import { TrashList } from "@/app/_components/trash-list";
import { env } from "@/lib/env";
import { MAX_PAGE_SIZE } from "@/lib/library-query";
import { pageUser } from "@/lib/page-user";
import { listTrash } from "@/lib/trash";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Trash · Docsum" };

/** Deleted documents, restorable until the trash removes them for good. */
export default async function TrashPage() {
  const user = await pageUser();
  const page = await listTrash(user.id, { limit: MAX_PAGE_SIZE, sort: "newest" });
  return (
    <>
      <p className="back-link">
        <Link href="/">← All documents</Link>
      </p>
      <h1>Trash</h1>
      <p className="lead">{`Deleted documents stay here for ${env.TRASH_DAYS} days; restore one to bring back its summary, similar documents and search entries.`}</p>
      {page.total > page.documents.length ? <p className="muted">{`Showing the ${page.documents.length} most recently deleted of ${page.total}.`}</p> : null}
      <TrashList documents={page.documents} />
    </>
  );
}
