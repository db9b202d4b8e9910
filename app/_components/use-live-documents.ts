"use client";

import { useEffect, useRef, useState } from "react";
import type { DocumentListItem, UploadedDocument } from "@/lib/document-types";
import type { DocumentProgress } from "@/lib/events";
import { getSocket } from "./socket";

/** How often the list is read over HTTP while the socket is down and work is still running. */
const POLL_INTERVAL_MS = 3000;

type DocumentState = Pick<DocumentListItem, "status" | "stage" | "progress" | "error">;

/** A newer state of a document; a bar never moves backwards unless the status changes. */
function advance(current: DocumentListItem, next: DocumentState): DocumentListItem {
  const { status, stage, progress, error } = next;
  if (status === current.status && progress < current.progress) return { ...current, error };
  return { ...current, status, stage, progress, error };
}

function pickState({ status, stage, progress, error }: DocumentState): DocumentState {
  return { status, stage, progress, error };
}

function stateOf(event: DocumentProgress, current: DocumentListItem): DocumentState {
  // A progress event may leave the message out; keep the one already known for a failure.
  const error = event.error !== undefined ? event.error : event.status === "failed" ? current.error : null;
  return { status: event.status, stage: event.stage, progress: event.progress, error };
}

async function fetchDocuments(): Promise<DocumentListItem[]> {
  const response = await fetch("/api/documents", { cache: "no-store", headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`GET /api/documents answered ${response.status}`);
  const body = (await response.json()) as { documents: DocumentListItem[] };
  return body.documents;
}

/**
 * The owner's documents kept current from snapshots (GET /api/documents) and progress events.
 * Events that arrive while a snapshot loads are replayed on top of it, so a late snapshot
 * never undoes them.
 */
class LiveList {
  private items: DocumentListItem[];
  /** Documents this page uploaded that no snapshot has shown yet. */
  private readonly uploadedOnly = new Set<string>();
  private loading = false;
  private loadAgain = false;
  private buffered: DocumentProgress[] = [];

  constructor(
    initial: DocumentListItem[],
    private readonly onChange: (items: DocumentListItem[]) => void,
  ) {
    this.items = initial;
  }

  /** Applies one progress event; an unknown document makes the list reload. */
  apply(event: DocumentProgress): void {
    if (this.loading) this.buffered.push(event);
    if (!this.applyEvent(event) && !this.loading) void this.refresh();
  }

  /** Drops a deleted document. */
  remove(id: string): void {
    this.uploadedOnly.delete(id);
    this.commit(this.items.filter((item) => item.id !== id));
  }

  /** Shows documents answered by an upload at once, before any snapshot or event names them. */
  addUploaded(uploaded: UploadedDocument[]): void {
    const fresh: DocumentListItem[] = [];
    let items = this.items;
    for (const doc of uploaded) {
      const current = items.find((item) => item.id === doc.id);
      if (current) {
        const state = { status: doc.status, stage: doc.stage, progress: doc.progress, error: current.error };
        items = items.map((item) => (item === current ? advance(item, state) : item));
      } else if (!fresh.some((item) => item.id === doc.id)) {
        const { id, title, filename, status, stage, progress } = doc;
        fresh.push({ id, title, filename, status, stage, progress, error: null, createdAt: new Date().toISOString() });
        this.uploadedOnly.add(id);
      }
    }
    // The server lists the last file of an upload first (newest first).
    this.commit([...fresh.reverse(), ...items]);
  }

  /** Reads the snapshot and merges it; a call during a load schedules one more load. */
  async refresh(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return;
    }
    this.loading = true;
    this.buffered = [];
    try {
      this.mergeSnapshot(await fetchDocuments());
      const unknown = this.buffered.filter((event) => !this.applyEvent(event));
      if (unknown.length > 0) this.loadAgain = true;
    } catch {
      // Keep what is shown; the next connect, poll or unknown event reads again.
    } finally {
      this.loading = false;
      this.buffered = [];
    }
    if (this.loadAgain) {
      this.loadAgain = false;
      await this.refresh();
    }
  }

  private applyEvent(event: DocumentProgress): boolean {
    const current = this.items.find((item) => item.id === event.id);
    if (!current) return false;
    this.commit(this.items.map((item) => (item === current ? advance(item, stateOf(event, item)) : item)));
    return true;
  }

  private mergeSnapshot(snapshot: DocumentListItem[]): void {
    const byId = new Map(this.items.map((item) => [item.id, item]));
    const merged = snapshot.map((doc) => {
      this.uploadedOnly.delete(doc.id);
      const current = byId.get(doc.id);
      return current ? advance({ ...doc, ...pickState(current) }, doc) : doc;
    });
    const notYetListed = this.items.filter((item) => this.uploadedOnly.has(item.id));
    this.commit([...notYetListed, ...merged]);
  }

  private commit(items: DocumentListItem[]): void {
    this.items = items;
    this.onChange(items);
  }
}

/**
 * The owner's documents, live: starts from the server-rendered list, reloads it on every
 * (re)connect, applies progress events, and polls while the socket is down and work runs.
 */
export function useLiveDocuments(initial: DocumentListItem[]) {
  const [documents, setDocuments] = useState(initial);
  const [connected, setConnected] = useState(false);
  const list = useRef<LiveList | null>(null);
  list.current ??= new LiveList(initial, setDocuments);
  const live = list.current;

  // Follow the shared socket: a snapshot on every connect, then events.
  useEffect(() => {
    const socket = getSocket();
    const onConnect = () => {
      setConnected(true);
      void live.refresh();
    };
    const onDisconnect = () => setConnected(false);
    const onProgress = (event: DocumentProgress) => live.apply(event);
    const onDeleted = ({ id }: { id: string }) => live.remove(id);
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    socket.on("document:progress", onProgress);
    socket.on("document:deleted", onDeleted);
    if (socket.connected) onConnect();
    return () => {
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      socket.off("document:progress", onProgress);
      socket.off("document:deleted", onDeleted);
    };
  }, [live]);

  // While the socket is down, read over HTTP so a running bar never freezes.
  const polling = !connected && documents.some((doc) => doc.status === "queued" || doc.status === "processing");
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void live.refresh(), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [polling, live]);

  return { documents, addUploaded: (uploaded: UploadedDocument[]) => live.addUploaded(uploaded) };
}
