// A log shipper for the data-stream tests: appends to a stream with `create` and ids of its own until
// stopped, and keeps each id the cluster said it created; a batch refused (a write block) or cut off is
// not acknowledged, and the shipper goes on with new ids, as shippers retry.
export interface StreamShipper {
  readonly acknowledged: Set<string>;
  refusals(): number;
  stop(): Promise<void>;
}

export function streamShipper(base: string, stream: string, options: { batch?: number; pauseMs?: number } = {}): StreamShipper {
  const { batch = 20, pauseMs = 40 } = options;
  const acknowledged = new Set<string>();
  let refusals = 0;
  let n = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const ids = Array.from({ length: batch }, () => `${stream}-${n++}`);
      const body = ids.map((id, i) =>
        `${JSON.stringify({ create: { _index: stream, _id: id } })}\n${JSON.stringify({ "@timestamp": new Date().toISOString(), n: n - batch + i, writer: stream })}\n`).join("");
      try {
        const res = await fetch(`${base}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body });
        const answer = (await res.json()) as { items?: Array<{ create: { _id: string; status: number } }> };
        for (const { create } of answer.items ?? []) {
          if (create.status === 201) acknowledged.add(create._id);
          else refusals++;
        }
      } catch {
        refusals += batch;
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  return { acknowledged, refusals: () => refusals, stop: async () => { stopped = true; await done; } };
}
