/**
 * `npm run user:create -- <email> [--admin]`: creates an account and an API token for it. The
 * password comes from USER_PASSWORD, or is asked for at a prompt on a terminal (it never goes on
 * the command line, where every process on the machine could read it); otherwise a random one is
 * made and printed. The token is printed alone on the last line, for scripts:
 * `TOKEN=$(npm run -s user:create -- a@b.c | tail -1)`.
 */
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { closeAll } from "@/lib/connections";
import { createApiToken, createUser, credentialsSchema } from "@/lib/users";

const USAGE = "usage: [USER_PASSWORD=...] npm run user:create -- <email> [--admin]";

/** Asks for the password on the terminal without echoing it; an empty answer makes a random one. */
async function askPassword(): Promise<string | undefined> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const write = (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput.bind(prompt);
  let asking = true;
  (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => (asking ? write(text.startsWith("Password") ? text : "") : write(text));
  const answer = await prompt.question("Password (empty for a random one): ");
  asking = false;
  prompt.close();
  process.stdout.write("\n");
  return answer || undefined;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { admin: { type: "boolean", default: false } }, allowPositionals: true, strict: false });
  if ("password" in values) {
    console.error("The password is not taken on the command line (other processes could read it): set USER_PASSWORD, or type it at the prompt.");
    console.error(USAGE);
    return 2;
  }
  const givenPassword = process.env.USER_PASSWORD || (process.stdin.isTTY ? await askPassword() : undefined);
  const password = givenPassword ?? randomBytes(12).toString("base64url");
  const parsed = credentialsSchema.safeParse({ email: positionals[0], password });
  if (positionals.length !== 1 || !parsed.success) {
    if (parsed.error) console.error(parsed.error.issues.map((issue) => issue.message).join("\n"));
    console.error(USAGE);
    return 2;
  }
  try {
    const user = await createUser(parsed.data, { admin: values.admin === true });
    const { token } = await createApiToken(user.id, "created with user:create");
    console.log(`created ${user.isAdmin ? "administrator" : "user"} ${user.email}`);
    if (!givenPassword) console.log(`password: ${password}`);
    console.log(token);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

const code = await main();
await closeAll();
process.exit(code);
