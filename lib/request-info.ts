/**
 * Facts about a request that only the HTTP server knows: the client's address (the socket's, or
 * X-Forwarded-For's first hop when TRUST_PROXY says a proxy sets it) and whether it came over
 * HTTPS. The web server stamps them on each request in a header of its own, overwriting whatever
 * a client sent, and route handlers read them from there.
 */
import type { IncomingMessage } from "node:http";
import { env } from "./env";

const CLIENT_HEADER = "x-docsum-client-address";

/** The client address of a raw request, as this server judges it. */
export function clientAddressOf(req: IncomingMessage): string {
  const forwarded = env.TRUST_PROXY ? String(req.headers["x-forwarded-for"] ?? "").split(",")[0].trim() : "";
  return forwarded || req.socket.remoteAddress || "unknown";
}

/** Replaces any client-sent copy of the address header with the server's own judgement. */
export function stampClientAddress(req: IncomingMessage): void {
  req.headers[CLIENT_HEADER] = clientAddressOf(req);
}

/** The client address the web server stamped on a route handler's request. */
export function clientAddress(request: Request): string {
  return request.headers.get(CLIENT_HEADER) ?? "unknown";
}

/** Whether an address is this machine's own (loopback). */
export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** Whether a raw request came over HTTPS (directly, or through a trusted proxy that says so). */
export function isHttps(req: IncomingMessage): boolean {
  return "encrypted" in req.socket || (env.TRUST_PROXY && req.headers["x-forwarded-proto"] === "https");
}
