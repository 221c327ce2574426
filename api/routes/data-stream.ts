// `POST _data_stream/_promote/<name>` on ferry's address, as Elasticsearch accepts it for a stream its CCR
// follows: when ferry follows a stream of that name, it promotes the stream as `_promote` on the name does
// (planned when the leader answers, docs/data-streams.md) and answers as Elasticsearch does; any other
// name goes to the follower cluster unchanged.
import { Hono, type Context } from "hono";
import { promoteIndexOrStream } from "../../core/autofollow/stream-actions.ts";
import type { Ferry } from "../../core/ferry.ts";
import { respond } from "../respond.ts";

export function dataStreamRoutes(ferry: Ferry, proxy: (c: Context) => Promise<Response>) {
  const router = new Hono();
  router.post("/_data_stream/_promote/:name", async (c) => {
    const name = c.req.param("name");
    if (ferry.replications.streamMembers(name).length === 0) return proxy(c);
    await promoteIndexOrStream({ replications: ferry.replications, autofollow: ferry.autofollow }, name, {});
    return respond(c, { acknowledged: true });
  });
  return router;
}
