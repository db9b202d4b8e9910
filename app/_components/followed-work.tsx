"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { ActiveStrip } from "./active-strip";
import { BatchOverview } from "./batch-overview";
import { UndoDelete } from "./undo-delete";

/** What the library page follows besides its list: the last upload's batch, the uploads so far, the last delete. */
export function useFollowedWork() {
  const params = useSearchParams();
  const router = useRouter();
  const [batchId, setBatchId] = useState<string | null>(null);
  const [uploads, setUploads] = useState(0);
  // A delete from a document's page comes back here with `?deleted=<id>`.
  const [deletedIds, setDeletedIds] = useState<string[]>(() => params.getAll("deleted"));
  return {
    batchId,
    uploads,
    deletedIds,
    uploaded(batch: string) {
      setBatchId(batch);
      setUploads((count) => count + 1);
    },
    deleted: (ids: string[]) => setDeletedIds(ids),
    dismissBatch: () => setBatchId(null),
    dismissDeleted() {
      setDeletedIds([]);
      // A reload must not bring the notice back.
      if (params.has("deleted")) router.replace("/");
    },
  };
}

export type FollowedWorkState = ReturnType<typeof useFollowedWork>;

/** Above the list: the last upload's overview, the documents in progress, the undo of the last delete and the way to the trash. */
export function FollowedWork({ following, onRestored }: { following: FollowedWorkState; onRestored: (ids: string[]) => void }) {
  return (
    <div className="followed-work">
      {following.batchId ? <BatchOverview key={following.batchId} batchId={following.batchId} onDismiss={following.dismissBatch} /> : null}
      <ActiveStrip uploads={following.uploads} />
      <UndoDelete
        ids={following.deletedIds}
        onRestored={(ids) => {
          following.dismissDeleted();
          onRestored(ids);
        }}
        onDismiss={following.dismissDeleted}
      />
      <p className="trash-link">
        <Link href="/trash">Trash</Link>
      </p>
    </div>
  );
}
