import { describe, expect, it } from "vitest";
import { excerptOf } from "@/lib/questions/answer";

const filler = (n: number) => Array.from({ length: n }, (_, i) => `Entry ${i} describes a common garden plant.`).join(" ");

describe("a citation's excerpt", () => {
  it("quotes a short passage whole", () => {
    expect(excerptOf("  The moon\nrises late.  ", "When does the moon rise?")).toBe("The moon rises late.");
  });

  it("quotes the sentence that holds the question's words, with its neighbours, marking what is left out", () => {
    const text = `${filler(10)} The lanternwort blooms only at night. ${filler(10)}`;
    const excerpt = excerptOf(text, "When does the lanternwort bloom?", 120);
    expect(excerpt).toContain("The lanternwort blooms only at night.");
    expect(excerpt.length).toBeLessThanOrEqual(122);
    expect(excerpt.startsWith("…")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
  });

  it("starts at the beginning when no sentence holds a word of the question", () => {
    const excerpt = excerptOf(filler(20), "zzz qqq", 100);
    expect(excerpt.startsWith("Entry 0 describes")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
  });

  it("cuts one sentence longer than a quote at a word", () => {
    const long = `${"word ".repeat(100).trim()}.`;
    const excerpt = excerptOf(long, "word", 50);
    expect(excerpt.endsWith("…")).toBe(true);
    expect(excerpt.slice(0, -1).split(" ").every((w) => w === "word")).toBe(true);
  });
});

describe("a citation's excerpt from a list that reads as one long sentence", () => {
  const list =
    "Included tools are: * apt-get for retrieval of packages and information about them from authenticated sources and for installation, upgrade and removal of packages together with their dependencies " +
    "* apt-cache for querying available information about installed as well as available packages * apt-cdrom to use removable media as a source for packages " +
    "* apt-config as an interface to the configuration settings * apt-key as an interface to manage authentication keys " +
    "* apt-ftparchive creates Packages and other index files needed to publish an archive of deb packages * apt-sortpkgs is a Packages/Sources file normalizer " +
    "* apt is a high-level command-line interface for better interactive usage";

  it("quotes the stretch that holds most of the question's words, not the beginning", () => {
    const excerpt = excerptOf(list, "Which tool normalizes Packages and Sources files?");
    expect(excerpt).toContain("apt-sortpkgs is a Packages/Sources file normalizer");
    expect(excerpt.startsWith("…")).toBe(true);
    expect(list).toContain(excerpt.replace(/^…|…$/g, ""));
  });
});
