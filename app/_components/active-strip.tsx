"use client";

import Link from "next/link";
import { useEffect, useEffectEvent } from "react";
import type { LibraryPage } from "@/lib/library";
import { isActive } from "@/lib/pipeline/statuses";
import { ProgressBar } from "./progress-bar";
import { useLiveDocuments } from "./use-live-documents";

const NOTHING: LibraryPage = { documents: [], nextCursor: null, total: 0 };

/**
 * "In progress": the documents being worked on now, from a query of their own (`status=active`),
 * so the list below keeps its sort and paging. Read again on every connect and after each upload.
 */
export function ActiveStrip({ uploads }: { uploads: number }) {
  const live = useLiveDocuments(NOTHING, { sort: "oldest", status: "active" });
  const refresh = useEffectEvent(() => void live.refresh());

  // Each upload (counted by `uploads`) adds documents to the strip.
  useEffect(() => refresh(), [uploads]);

  const working = live.documents.filter((doc) => isActive(doc.status));
  if (working.length === 0) return null;
  return (
    <section aria-labelledby="active-title" className="active-strip" data-testid="active-strip">
      <h3 id="active-title">{`In progress (${working.length})`}</h3>
      <ul>
        {working.slice(0, 8).map((doc) => (
          <li key={doc.id}>
            <Link href={`/documents/${doc.id}`}>{doc.title}</Link>
            <ProgressBar title={doc.title} status={doc.status} stage={doc.stage} progress={doc.progress} detail={doc.detail} />
          </li>
        ))}
      </ul>
    </section>
  );
}
