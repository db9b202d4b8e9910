"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState, type DragEvent } from "react";
import type { UploadedDocument } from "@/lib/document-types";
import { formatBytes } from "@/lib/format";
import { ACCEPT_EXTENSIONS, formatList } from "@/lib/parsing/formats";
import { ErrorAlert } from "./error-alert";
import { postWithProgress, RequestError } from "./json-fetch";

const FALLBACK_ERROR = "The upload did not go through. Check your connection and try again.";

/** A file the server refused on its own, with why. */
interface RejectedFile {
  filename: string;
  status: number;
  error: string;
}

/** An upload request on its way: its files, and the share of their bytes sent so far. */
interface Sending {
  id: number;
  files: { name: string; size: number }[];
  /** Bytes of the files sent, estimated from the request body's bytes sent. */
  sent: number;
}

/**
 * Sends files as multipart parts named `files`, calling `onSent` with the files' bytes sent so far;
 * answers the documents and the refused files, or throws the server's message.
 */
async function uploadFiles(files: File[], onSent: (sent: number) => void): Promise<{ batchId: string; documents: UploadedDocument[]; rejected: RejectedFile[] }> {
  const body = new FormData();
  for (const file of files) body.append("files", file, file.name);
  const filesSize = files.reduce((sum, file) => sum + file.size, 0);
  // The body is the files plus a little framing per part: its bytes sent, scaled to the files' size.
  const answer = await postWithProgress<{ batchId?: string; documents?: UploadedDocument[]; rejected?: RejectedFile[] } | null>("/api/documents", body, (sent, size) =>
    onSent(size > 0 ? Math.min(filesSize, Math.round((sent / size) * filesSize)) : 0),
  );
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

/** The bytes of each file sent when `sent` bytes of the files went out, in the order the body holds them. */
function sentPerFile(sizes: number[], sent: number): number[] {
  let before = 0;
  return sizes.map((size) => {
    const share = Math.min(size, Math.max(0, sent - before));
    before += size;
    return share;
  });
}

/** An upload's bars while it is in flight: the whole request, then each file's estimated share. */
function UploadProgress({ upload }: { upload: Sending }) {
  const labelId = useId();
  const size = upload.files.reduce((sum, file) => sum + file.size, 0);
  const perFile = sentPerFile(
    upload.files.map((file) => file.size),
    upload.sent,
  );
  const count = upload.files.length === 1 ? "1 file" : `${upload.files.length} files`;
  return (
    <div className="upload-progress" data-testid="upload-progress">
      <p id={labelId}>{`Uploading ${count} · ${formatBytes(upload.sent)} of ${formatBytes(size)}`}</p>
      <progress aria-labelledby={labelId} value={upload.sent} max={Math.max(1, size)} />
      {upload.files.length > 1 ? (
        <ul className="upload-progress-files">
          {upload.files.map((file, index) => (
            <li key={index}>
              <span>{file.name}</span>
              <progress aria-label={`Uploading ${file.name}`} value={perFile[index]} max={Math.max(1, file.size)} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
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
  const [sending, setSending] = useState<Sending[]>([]);
  const nextUpload = useRef(0);
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
    const id = (nextUpload.current += 1);
    setSending((shown) => [...shown, { id, files: files.map((file) => ({ name: file.name, size: file.size })), sent: 0 }]);
    const onSent = (sent: number) => setSending((shown) => shown.map((upload) => (upload.id === id ? { ...upload, sent } : upload)));
    try {
      const { batchId, documents, rejected: refused } = await uploadFiles(files, onSent);
      onUploaded(documents, batchId);
      setDuplicates(documents.filter((doc) => doc.duplicate));
      setRejected(refused);
    } catch (failure) {
      const refused = rejectedOf(failure);
      setRejected(refused);
      // A network failure or an answer without a message reads as the fallback; a refusal as the server said it.
      if (refused.length === 0) setError(failure instanceof RequestError ? failure.message : FALLBACK_ERROR);
    } finally {
      setSending((shown) => shown.filter((upload) => upload.id !== id));
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

  const busy = sending.length > 0;
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
        {sending.map((upload) => (
          <UploadProgress key={upload.id} upload={upload} />
        ))}
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
