import { describe, expect, it } from "vitest";
import { redisKey, REDIS_NAMESPACE } from "@/lib/redis";
import { derivedKey, isStorageFull, parseKey } from "@/lib/storage/types";

describe("storage keys", () => {
  it("accepts generated ids and their derived keys, and nothing that could name a path", () => {
    expect(parseKey("1dfc0a9c-d2c6-4cf2-a639-4c5c597cffe4")).toEqual({ base: "1dfc0a9c-d2c6-4cf2-a639-4c5c597cffe4", derived: undefined });
    expect(derivedKey("abc", "thumbnail")).toBe("abc.thumbnail");
    expect(parseKey("abc.thumbnail")).toEqual({ base: "abc", derived: "thumbnail" });
    for (const bad of ["", "../etc", "a/b", "a.b.c", "a.B", ".hidden", "a b"]) expect(() => parseKey(bad)).toThrow(/Invalid storage key/);
    expect(() => derivedKey("abc.thumbnail", "small")).toThrow(/cannot have derived keys/);
  });
});

describe("redis keys", () => {
  it("are named after QUEUE_PREFIX without its braces, tagged by what they are about", () => {
    // The default QUEUE_PREFIX is the hash tag {docsum}.
    expect(REDIS_NAMESPACE).toBe("docsum");
    expect(redisKey("upload-rate", "owner-1")).toBe("docsum:upload-rate:{owner-1}");
    expect(redisKey("ai-rate", "budget", "paused")).toBe("docsum:ai-rate:{budget}:paused");
  });
});

describe("a full store", () => {
  it("is told by a full disk, a disk quota or PostgreSQL's disk_full, through causes", () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    expect(isStorageFull(enospc)).toBe(true);
    expect(isStorageFull(Object.assign(new Error("quota"), { code: "EDQUOT" }))).toBe(true);
    expect(isStorageFull(new Error("could not write", { cause: Object.assign(new Error("disk full"), { code: "53100" }) }))).toBe(true);
  });

  it("is not told by other failures", () => {
    expect(isStorageFull(Object.assign(new Error("gone"), { code: "ENOENT" }))).toBe(false);
    expect(isStorageFull(new Error("the client went away"))).toBe(false);
    expect(isStorageFull(undefined)).toBe(false);
  });
});
