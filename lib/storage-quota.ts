/**
 * Storage quotas: the bytes of files one person may keep. An administrator may set one per
 * person; otherwise USER_STORAGE_QUOTA_BYTES applies, and with neither there is none. What a
 * person keeps is the size of their documents' files.
 */
import { prisma } from "./db";
import { env } from "./env";
import { QuotaExceededError } from "./errors";
import { formatBytes } from "./format";

export interface StorageUse {
  /** The quota that applies (the person's own, or the installation's); null: none. */
  quotaBytes: number | null;
  usedBytes: number;
}

export interface QuotaLeft {
  quotaBytes: number;
  remainingBytes: number;
}

/** The quota that applies to a person whose own setting is `own`. */
export function effectiveQuota(own: bigint | null): number | null {
  return own !== null ? Number(own) : (env.USER_STORAGE_QUOTA_BYTES ?? null);
}

/** The bytes of files each of these people keeps (0 for those with none). */
export async function storageUsed(ownerIds: string[]): Promise<Map<string, number>> {
  const rows = await prisma.document.groupBy({ by: ["ownerId"], where: { ownerId: { in: ownerIds } }, _sum: { size: true } });
  return new Map(ownerIds.map((id) => [id, rows.find((row) => row.ownerId === id)?._sum.size ?? 0]));
}

/** What a person's quota leaves them, or null when no quota applies. */
export async function storageLeft(ownerId: string): Promise<QuotaLeft | null> {
  const user = await prisma.user.findUnique({ where: { id: ownerId }, select: { storageQuotaBytes: true } });
  const quotaBytes = effectiveQuota(user?.storageQuotaBytes ?? null);
  if (quotaBytes === null) return null;
  const usedBytes = (await storageUsed([ownerId])).get(ownerId) ?? 0;
  return { quotaBytes, remainingBytes: Math.max(0, quotaBytes - usedBytes) };
}

/** The 413 for an upload past the quota, saying how much of it is left. */
export function quotaRefusal({ quotaBytes, remainingBytes }: QuotaLeft): QuotaExceededError {
  return new QuotaExceededError(
    `This upload does not fit your storage quota of ${formatBytes(quotaBytes)}: ${formatBytes(remainingBytes)} of it is left. Nothing was kept.`,
    quotaBytes,
    remainingBytes,
  );
}
