// Types for what TypeScript code (the tests) uses of services.mjs.
export interface OwnPostgres {
  url(database: string): string;
  /** Stops the server cleanly. */
  stop(): Promise<void>;
  /** Stops the server in immediate mode, as a crash would. */
  crash(): Promise<void>;
  start(): Promise<void>;
}
export function startOwnPostgres(options: { dataDir: string; port: number; password: string }): OwnPostgres;
