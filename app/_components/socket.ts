"use client";

import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";

export type DocsumSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let shared: DocsumSocket | undefined;

/** The page's one Socket.IO connection (same origin, default path), created on first use. */
export function getSocket(): DocsumSocket {
  shared ??= io();
  return shared;
}
