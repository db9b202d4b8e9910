"use client";

import { useEffect, useEffectEvent, useRef, useState } from "react";
import { EVENTS_QUIET_MS, type DocumentProgress, type DocumentSummaryEvent } from "@/lib/events";
import { getSocket, type DocsumSocket } from "./socket";

/** How often `poll` runs while the socket is down and work is still running. */
const POLL_INTERVAL_MS = 3000;

export interface DocumentEventHandlers {
  /** On every (re)connect, and when the server says events may have been lost; at once when the socket is already connected. */
  connect(socket: DocsumSocket): void;
  progress(event: DocumentProgress): void;
  /** A summary being written, or its final text. */
  summary(event: DocumentSummaryEvent): void;
  deleted(id: string): void;
  /** Reads over HTTP instead of the socket. */
  poll(): void;
}

/**
 * Follows the page's shared socket with `on`; while `working` holds, calls `on.poll` every few
 * seconds when the socket is down, and after a quiet spell with no event when it is up, so a
 * running bar never freezes.
 */
export function useDocumentEvents(on: DocumentEventHandlers, working: boolean): void {
  const [connected, setConnected] = useState(false);
  const onConnect = useEffectEvent(on.connect);
  const onProgress = useEffectEvent(on.progress);
  const onSummary = useEffectEvent(on.summary);
  const onDeleted = useEffectEvent(on.deleted);
  const onPoll = useEffectEvent(on.poll);
  const heardAt = useRef(0);

  useEffect(() => {
    const socket = getSocket();
    const connect = () => {
      heardAt.current = Date.now();
      setConnected(true);
      onConnect(socket);
    };
    const disconnect = () => setConnected(false);
    const heard = () => {
      heardAt.current = Date.now();
    };
    const progress = (event: DocumentProgress) => {
      heard();
      onProgress(event);
    };
    const summary = (event: DocumentSummaryEvent) => {
      heard();
      onSummary(event);
    };
    const deleted = ({ id }: { id: string }) => onDeleted(id);
    socket.on("connect", connect);
    socket.on("disconnect", disconnect);
    socket.on("document:progress", progress);
    socket.on("document:summary", summary);
    socket.on("document:deleted", deleted);
    socket.on("events:missed", connect);
    if (socket.connected) connect();
    return () => {
      socket.off("connect", connect);
      socket.off("disconnect", disconnect);
      socket.off("document:progress", progress);
      socket.off("document:summary", summary);
      socket.off("document:deleted", deleted);
      socket.off("events:missed", connect);
    };
  }, []);

  const polling = !connected && working;
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => onPoll(), POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [polling]);

  const listening = connected && working;
  useEffect(() => {
    if (!listening) return;
    heardAt.current = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - heardAt.current < EVENTS_QUIET_MS) return;
      heardAt.current = Date.now();
      onPoll();
    }, EVENTS_QUIET_MS / 4);
    return () => clearInterval(timer);
  }, [listening]);
}
