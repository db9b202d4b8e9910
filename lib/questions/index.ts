/**
 * Questions asked of one's documents: the API's side (./questions), the job's side (./answer,
 * with the passages found by ./retrieve) and the browser-safe types (./types).
 */
export {
  answersQuote,
  askQuestion,
  cancelQuestion,
  deleteQuestion,
  failAnswer,
  getQuestion,
  listQuestions,
  questionJobId,
  questionView,
  requeueAnswer,
  startAnswer,
} from "./questions";
export { excerptOf, NO_DOCUMENTS_LEFT, NOTHING_FOUND, writeAnswer } from "./answer";
export { retrieveSources, type Source } from "./retrieve";
export * from "./types";
