/** File names are display text only. */
import { describe, expect, it } from "vitest";
import { displayName } from "@/lib/upload";

describe("displayName", () => {
  it.each([
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\admin\\notes.txt", "notes.txt"],
    ["note\u0000s\u0007.txt", "notes.txt"],
    ["invoice\u202Etxt.exe", "invoicetxt.exe"],
    ["\u2066isolated\u2069.pdf", "isolated.pdf"],
    ["تقرير.txt", "تقرير.txt"],
    ["<img src=x onerror=alert(1)>.txt", "<img src=x onerror=alert(1)>.txt"],
    ["   ", "untitled"],
    [undefined, "untitled"],
  ])("%j is shown as %j", (raw, shown) => {
    expect(displayName(raw)).toBe(shown);
  });

  it("keeps at most 200 characters and never splits an emoji", () => {
    const name = displayName(`${"😀".repeat(300)}.txt`);
    expect(Array.from(name)).toHaveLength(200);
    expect(name).toBe("😀".repeat(200));
  });
});
