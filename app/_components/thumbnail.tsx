"use client";

import { useState } from "react";
import { hasThumbnailType } from "@/lib/parsing/formats";
import type { DocumentStatus } from "@/lib/pipeline/statuses";
import type { Stage } from "@/lib/pipeline/table";

interface ThumbnailProps {
  id: string;
  mimeType: string;
  status: DocumentStatus;
  stage: Stage;
  /** "small" in the list, "large" on the document's page. */
  size: "small" | "large";
}

/** The picture of a PDF's first page or of an image, once its text has been read; nothing when there is none. */
export function Thumbnail({ id, mimeType, status, stage, size }: ThumbnailProps) {
  const [missing, setMissing] = useState(false);
  const extracted = status === "done" || (stage !== "extract" && status !== "queued");
  if (!hasThumbnailType(mimeType) || !extracted || missing) return null;
  return (
    // A picture of the page beside its title: decorative, the title says what it is.
    // eslint-disable-next-line @next/next/no-img-element
    <img
      src={`/api/documents/${id}/thumbnail`}
      alt=""
      className={`thumbnail thumbnail-${size}`}
      data-testid="thumbnail"
      loading="lazy"
      onError={() => setMissing(true)}
    />
  );
}
