import { expect, it } from "vitest";
import type { RedisClient } from "@/lib/redis";
import { eventPublisher } from "@/lib/socket-emitter";

/** A Redis client's `publish` that refuses while `down` holds, as a fail-fast connection does while Redis is away. */
function flakyRedis() {
  const state = { down: true, published: 0 };
  const publish = (async () => {
    if (state.down) throw new Error("Reached the max retries per request limit (which is 2).");
    state.published += 1;
    return 1;
  }) as unknown as RedisClient["publish"];
  return { state, redis: { publish } };
}

it("catches a refused publish, and says events were lost once publishing works again", async () => {
  const { state, redis } = flakyRedis();
  let lost = 0;
  const client = eventPublisher(redis, () => void (lost += 1));

  // Refused twice: nothing is thrown at the caller (who never waits), and nothing is said yet.
  await expect(client.publish("channel", "first")).resolves.toBe(0);
  await expect(client.publish("channel", "second")).resolves.toBe(0);
  expect(lost).toBe(0);

  // Back: the first publish that goes through is followed by one "lost", the next ones by none.
  state.down = false;
  await expect(client.publish("channel", "third")).resolves.toBe(1);
  await client.publish("channel", "fourth");
  expect({ published: state.published, lost }).toEqual({ published: 2, lost: 1 });
});
