import { describe, expect, it } from "vitest";
import { NO_SELECTION, selectAll, selectedIn, selectRow } from "@/app/_components/selection";

const rows = ["a", "b", "c", "d", "e"];

describe("row selection", () => {
  it("selects the range from the last clicked row on a shift-click, in either direction", () => {
    const one = selectRow(NO_SELECTION, rows, "b", true, false);
    expect(selectedIn(one, rows)).toEqual(["b"]);
    const down = selectRow(one, rows, "d", true, true);
    expect(selectedIn(down, rows)).toEqual(["b", "c", "d"]);
    const up = selectRow(selectRow(NO_SELECTION, rows, "e", true, false), rows, "c", true, true);
    expect(selectedIn(up, rows)).toEqual(["c", "d", "e"]);
  });

  it("clears a range on a shift-click that unchecks, and a plain click changes one row", () => {
    const all = selectAll(rows, true);
    const anchored = selectRow(all, rows, "a", false, false);
    expect(selectedIn(anchored, rows)).toEqual(["b", "c", "d", "e"]);
    const cleared = selectRow(anchored, rows, "c", false, true);
    expect(selectedIn(cleared, rows)).toEqual(["d", "e"]);
  });

  it("selects one row on a shift-click with no row clicked before", () => {
    expect(selectedIn(selectRow(NO_SELECTION, rows, "c", true, true), rows)).toEqual(["c"]);
  });

  it("forgets rows that are no longer shown", () => {
    const selection = selectAll(rows, true);
    expect(selectedIn(selection, ["a", "c"])).toEqual(["a", "c"]);
    expect(selectedIn(selectAll(rows, false), rows)).toEqual([]);
  });
});
