import path from "node:path";

/** The admin the first-run spec creates, and where the browser keeps their signed-in state. */
export const ADMIN = { email: "admin@example.com", password: "correct horse battery staple" };
export const ADMIN_STATE = path.resolve(import.meta.dirname, "../data/test-results/admin-state.json");
