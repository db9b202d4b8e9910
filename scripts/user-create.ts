/**
 * `npm run user:create -- <email> [--admin] [--password <password>]`: creates an account and an API
 * token for it. Without --password (or USER_PASSWORD) a random password is made and printed.
 * The token is printed alone on the last line, for scripts: `TOKEN=$(npm run -s user:create -- a@b.c | tail -1)`.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { closeAll } from "@/lib/connections";
import { createApiToken, createUser, credentialsSchema } from "@/lib/users";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { admin: { type: "boolean", default: false }, password: { type: "string" } },
    allowPositionals: true,
  });
  const givenPassword = values.password ?? process.env.USER_PASSWORD;
  const password = givenPassword ?? randomBytes(12).toString("base64url");
  const parsed = credentialsSchema.safeParse({ email: positionals[0], password });
  if (positionals.length !== 1 || !parsed.success) {
    if (parsed.error) console.error(parsed.error.issues.map((issue) => issue.message).join("\n"));
    console.error("usage: npm run user:create -- <email> [--admin] [--password <password>]");
    return 2;
  }
  try {
    const user = await createUser(parsed.data, { admin: values.admin });
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
