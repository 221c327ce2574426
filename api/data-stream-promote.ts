// `POST _data_stream/_promote/<name>` on ferry's address, as Elasticsearch accepts it for a stream its CCR
// follows: when ferry follows a stream of that name, it promotes the stream as `_promote` on the name does
// (planned when the leader answers, docs/data-streams.md) and answers as Elasticsearch does; any other
// name goes to the follower cluster unchanged.
import type { Context } from "hono";
import { promoteIndexOrStream } from "../core/autofollow/stream-actions.ts";
import type { Ferry } from "../core/ferry.ts";
import { respond } from "./respond.ts";

export function dataStreamPromote(ferry: Ferry, proxy: (c: Context) => Promise<Response>) {
  return async (c: Context): Promise<Response> => {
    const name = c.req.param("name") ?? "";
    if (ferry.replications.streamMembers(name).length === 0) return proxy(c);
    await promoteIndexOrStream({ replications: ferry.replications, autofollow: ferry.autofollow }, name, {});
    return respond(c, { acknowledged: true });
  };
}
