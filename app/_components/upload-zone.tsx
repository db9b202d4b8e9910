"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import type { UploadedDocument } from "@/lib/document-types";
import { ACCEPT_EXTENSIONS, formatList } from "@/lib/parsing/formats";
import { ErrorAlert } from "./error-alert";
import { RequestError, requestJson } from "./json-fetch";

const FALLBACK_ERROR = "The upload did not go through. Check your connection and try again.";

/** A file the server refused on its own, with why. */
interface RejectedFile {
  filename: string;
  status: number;
  error: string;
}

/** Sends files as multipart parts named `files`; answers the documents and the refused files, or throws the server's message. */
async function uploadFiles(files: File[]): Promise<{ batchId: string; documents: UploadedDocument[]; rejected: RejectedFile[] }> {
  const body = new FormData();
  for (const file of files) body.append("files", file, file.name);
  const answer = await requestJson<{ batchId?: string; documents?: UploadedDocument[]; rejected?: RejectedFile[] } | null>("/api/documents", { method: "POST", body });
  if (!answer?.documents || !answer.batchId) throw new Error(FALLBACK_ERROR);
  return { batchId: answer.batchId, documents: answer.documents, rejected: answer.rejected ?? [] };
}

/** The files a refusal names, when the server refused every file of the drop one by one. */
function rejectedOf(failure: unknown): RejectedFile[] {
  const rejected = failure instanceof RequestError ? failure.body?.rejected : undefined;
  return Array.isArray(rejected) ? (rejected as RejectedFile[]) : [];
}

/** Files that were in the library already, each a link to the document it already is. */
function DuplicateNotice({ duplicates }: { duplicates: UploadedDocument[] }) {
  return (
    <span data-testid="duplicate-notice">
      {duplicates.map((doc, index) => (
        <span key={doc.id}>
          {index > 0 ? ", " : null}
          <Link href={`/documents/${doc.id}`}>“{doc.filename}”</Link>
        </span>
      ))}
      {duplicates.length === 1 ? " is already in your library." : " are already in your library."}
    </span>
  );
}

/** Whether a drag carries files (not text or a link dragged within the page). */
function carriesFiles(event: globalThis.DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}

/** Drop zone and "Choose files" button; hands the documents the server created, and their batch, to `onUploaded`. */
export function UploadZone({ onUploaded }: { onUploaded: (documents: UploadedDocument[], batchId: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [sending, setSending] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [duplicates, setDuplicates] = useState<UploadedDocument[]>([]);
  const [overPage, setOverPage] = useState(false);
  const [rejected, setRejected] = useState<RejectedFile[]>([]);

  async function send(files: File[]) {
    if (files.length === 0) return;
    setError(null);
    setDuplicates([]);
    setRejected([]);
    setSending((count) => count + 1);
    try {
      const { batchId, documents, rejected: refused } = await uploadFiles(files);
      onUploaded(documents, batchId);
      setDuplicates(documents.filter((doc) => doc.duplicate));
      setRejected(refused);
    } catch (failure) {
      const refused = rejectedOf(failure);
      setRejected(refused);
      // A network failure or an answer without a message reads as the fallback; a refusal as the server said it.
      if (refused.length === 0) setError(failure instanceof RequestError ? failure.message : FALLBACK_ERROR);
    } finally {
      setSending((count) => count - 1);
    }
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    void send(Array.from(event.dataTransfer.files));
  }

  function onDragOver(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  // Files dropped anywhere on the page go where a drop on the zone goes, never open in place of the app.
  const sendRef = useRef(send);
  sendRef.current = send;
  useEffect(() => {
    let depth = 0;
    const enter = (event: globalThis.DragEvent) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      setOverPage(true);
    };
    const over = (event: globalThis.DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    };
    const leave = (event: globalThis.DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOverPage(false);
    };
    const drop = (event: globalThis.DragEvent) => {
      depth = 0;
      setOverPage(false);
      setDragging(false);
      // The zone's own handler took it already.
      if (event.defaultPrevented || !carriesFiles(event)) return;
      event.preventDefault();
      void sendRef.current(Array.from(event.dataTransfer?.files ?? []));
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragover", over);
    window.addEventListener("dragleave", leave);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragover", over);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("drop", drop);
    };
  }, []);

  const busy = sending > 0;
  return (
    <section className="upload" aria-labelledby={`${hintId}-title`}>
      <h2 id={`${hintId}-title`} className="visually-hidden">
        Upload documents
      </h2>
      <div
        className={`drop-zone${dragging ? " is-dragging" : ""}`}
        data-testid="drop-zone"
        aria-busy={busy}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <p className="drop-zone-text">{`Drop ${formatList("or", "short")} files here`}</p>
        <p className="drop-zone-or">or</p>
        <button type="button" className="button" onClick={() => input.current?.click()} disabled={busy} aria-describedby={hintId}>
          Choose files
        </button>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPT_EXTENSIONS}
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Files to upload"
          onChange={(event) => {
            const files = Array.from(event.currentTarget.files ?? []);
            event.currentTarget.value = "";
            void send(files);
          }}
        />
        <p id={hintId} className="drop-zone-hint">
          Several files at once are fine. Each is summarized in the background.
        </p>
      </div>
      {overPage ? (
        <div className="page-drop-overlay" data-testid="page-drop-overlay" aria-hidden="true">
          <p>Drop the files to upload them</p>
        </div>
      ) : null}
      <div className="upload-messages">
        <p role="status" className="upload-status">
          {busy ? "Uploading…" : duplicates.length > 0 ? <DuplicateNotice duplicates={duplicates} /> : ""}
        </p>
        <ErrorAlert message={error} />
        {rejected.length > 0 && (
          <div role="alert" className="alert upload-rejected" data-testid="rejected-files">
            <p>{rejected.length === 1 ? "This file was not uploaded:" : `These ${rejected.length} files were not uploaded:`}</p>
            <ul>
              {rejected.map((file, i) => (
                <li key={`${i}-${file.filename}`} data-filename={file.filename}>
                  {file.error}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}
