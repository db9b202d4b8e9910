/** Prisma's error codes the app reacts to, checked in one place. */

const codeOf = (error: unknown) => (error as { code?: unknown })?.code;

/** A unique constraint refused the write (P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return codeOf(error) === "P2002";
}

/** The row to update or delete was not found, or no longer matched its condition (P2025). */
export function isRecordNotFound(error: unknown): boolean {
  return codeOf(error) === "P2025";
}
