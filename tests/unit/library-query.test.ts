import { describe, expect, it } from "vitest";
import { libraryApiHref, libraryHref, libraryViewOf } from "@/lib/library-query";

describe("the library page's URL", () => {
  it("reads the sort and filters of the URL", () => {
    expect(libraryViewOf({ sort: "title", status: "failed", type: "pdf" })).toEqual({ sort: "title", status: "failed", type: "pdf" });
    expect(libraryViewOf({ status: "queued" })).toEqual({ sort: "newest", status: "queued", type: undefined });
  });

  it("reads a value it does not know, or a repeated one, as the default instead of failing", () => {
    expect(libraryViewOf({ sort: "sideways", status: "lost", type: "docx", limit: "9" })).toEqual({ sort: "newest", status: undefined, type: undefined });
    expect(libraryViewOf({ sort: ["size", "title"] })).toEqual({ sort: "size", status: undefined, type: undefined });
  });

  it("leaves the defaults out of the page's URL and builds the API's page URLs", () => {
    expect(libraryHref({ sort: "newest" })).toBe("/");
    expect(libraryHref({ sort: "title", status: "active" })).toBe("/?sort=title&status=active");
    expect(libraryApiHref({ sort: "newest" })).toBe("/api/documents?limit=50");
    expect(libraryApiHref({ sort: "size", type: "html" }, "abc")).toBe("/api/documents?sort=size&type=html&limit=50&cursor=abc");
  });
});
