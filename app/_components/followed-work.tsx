"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { ActiveStrip } from "./active-strip";
import { BatchOverview } from "./batch-overview";
import { takeRemembered, UndoDelete } from "./undo-delete";

/** What the library page follows besides its list: the last upload's batch, the uploads so far, the last delete. */
export function useFollowedWork() {
  const [batchId, setBatchId] = useState<string | null>(null);
  const [uploads, setUploads] = useState(0);
  const [deletedIds, setDeletedIds] = useState<string[]>([]);
  // A delete on a document's page comes back here to be undone.
  useEffect(() => {
    const remembered = takeRemembered();
    if (remembered.length > 0) setDeletedIds(remembered);
  }, []);
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
    dismissDeleted: () => setDeletedIds([]),
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
