"use client";

import type { DocumentListItem } from "@/lib/document-types";
import { DocumentList } from "./document-list";
import { UploadZone } from "./upload-zone";
import { useLiveDocuments } from "./use-live-documents";

/** The home page's interactive part: the upload zone feeding the live document list. */
export function Library({ initialDocuments }: { initialDocuments: DocumentListItem[] }) {
  const { documents, addUploaded } = useLiveDocuments(initialDocuments);
  return (
    <>
      <UploadZone onUploaded={addUploaded} />
      <section aria-labelledby="library-title" className="library">
        <h2 id="library-title">Your documents</h2>
        <DocumentList documents={documents} />
      </section>
    </>
  );
}
