/**
 * Figure 3's crowd, run as its own process: socket.io-clients connected to one server in groups
 * (an owner's API token for the app, a room for the relay), receiving their group's events and
 * doing nothing with them, so their decoding does not share an event loop with the benchmark's
 * measuring socket. BENCH_CROWD is `{ url, groups: [{ token?, room?, sockets }] }`. Prints the
 * number of connected sockets once all are connected.
 */
import { connect, type Client } from "./latency";

interface Crowd {
  url: string;
  groups: { token?: string; room?: string; sockets: number }[];
}

/** Connections opened at once: enough to be quick, few enough not to time out the server's handshakes. */
const AT_ONCE = 50;

const crowd = JSON.parse(process.env.BENCH_CROWD ?? "") as Crowd;
const pending = crowd.groups.flatMap((group) => Array.from({ length: group.sockets }, () => group));
const sockets: Client[] = [];
for (let start = 0; start < pending.length; start += AT_ONCE) {
  const batch = pending.slice(start, start + AT_ONCE);
  sockets.push(...(await Promise.all(batch.map((group) => connect(crowd.url, group.token, group.room === undefined ? {} : { room: group.room })))));
}
console.log(sockets.length);
process.on("SIGTERM", () => {
  for (const socket of sockets) socket.close();
  process.exit(0);
});
