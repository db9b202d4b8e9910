/**
 * The headers every answer carries: no framing, no type sniffing, and a content security policy
 * whose scripts are this site's own files and the inline scripts Next.js marks with the request's
 * nonce (no 'unsafe-inline'); live connections only to this site. The queue dashboard, a separate
 * app for administrators with inline scripts of its own, gets a policy of its own.
 */
import { randomBytes } from "node:crypto";

const COMMON = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

/** A fresh nonce for one response's inline scripts. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** The app's policy for a response whose inline scripts carry `nonce`. */
export function appPolicy(nonce: string, { dev = false } = {}): string {
  // The development server also evaluates code.
  const scripts = `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`;
  return [...COMMON, scripts, "style-src 'self' 'unsafe-inline'"].join("; ");
}

/** The queue dashboard's policy: its bundled inline scripts and styles, nothing from elsewhere. */
export function dashboardPolicy(): string {
  return [...COMMON, "script-src 'self' 'unsafe-inline'", "style-src 'self' 'unsafe-inline'"].join("; ");
}

/** The headers besides the policy. `https`: the request came over HTTPS, so browsers are told to keep to it. */
export function baseHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
