export { summarizeLocally } from "./summarize";
export type { LocalSummaryOptions } from "./summarize";
