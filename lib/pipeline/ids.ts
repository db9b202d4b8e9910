/** The one check of what an id looks like (documents, users, tokens: all UUIDs). Browser-safe. */
import { z } from "zod";

export const idSchema = z.uuid();

/** Whether a value can be an id at all (anything else is simply not found). */
export function isId(value: unknown): value is string {
  return idSchema.safeParse(value).success;
}
