// A leader application that never stops writing: creates, updates and deletes, a third of them with a
// custom routing, in small bulks, until stopped. It keeps what the leader acknowledged per id, so a test
// can check that nothing it was told succeeded is missing later; refusals are counted by error type.
import type { Endpoint } from "./documents.ts";

export interface MixedWriterOptions {
  index: string;
  /** Ids are `d0`..`d{ids-1}`: updates and deletes hit documents that exist. */
  ids: number;
  /** Operations per bulk. */
  batch?: number;
  /** Pause between bulks; 0 writes as fast as the leader answers. */
  pauseMs?: number;
  /** Extra fields each written document carries (a field a mapping change added, say). */
  extra?: () => Record<string, unknown>;
}

type BulkAnswer = { items?: Array<Record<string, { status: number; error?: { type: string } }>>; error?: { type: string } };

type Ack = { routing: string | undefined; source: Record<string, unknown> } | null;

export class MixedWriter {
  /** Last acknowledged state per id: a document, or null once deleted. */
  readonly acknowledged = new Map<string, Ack>();
  readonly refused = new Map<string, number>();
  /** Operations the leader acknowledged. */
  operations = 0;
  /** Operations sent in a request that got no answer (the connection failed). */
  unanswered = 0;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly leader: Endpoint, private readonly options: MixedWriterOptions) {}

  /** The routing a document always gets: an update or delete must name the routing it was written with. */
  static routingOf(n: number): string | undefined {
    return n % 3 === 0 ? `r${n % 7}` : undefined;
  }

  start(): this {
    this.done = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async run(): Promise<void> {
    const { index, ids, batch = 50, pauseMs = 0, extra = () => ({}) } = this.options;
    const [base, send] = typeof this.leader === "string" ? [this.leader, fetch] : [this.leader.url, this.leader.fetch];
    for (let round = 1; !this.stopped; round++) {
      const ops = Array.from({ length: batch }, (_, k) => {
        const n = (round * 53 + k * 97) % ids;
        const routing = MixedWriter.routingOf(n);
        const source = { n, round, note: `round ${round} item ${k}`, ...extra() };
        return { id: `d${n}`, routing, source: (round + k) % 10 === 0 ? null : source };
      });
      const body = ops.map((o) => {
        const meta = { _index: index, _id: o.id, ...(o.routing ? { routing: o.routing } : {}) };
        return o.source === null ? `${JSON.stringify({ delete: meta })}\n` : `${JSON.stringify({ index: meta })}\n${JSON.stringify(o.source)}\n`;
      }).join("");
      const answer = await send(`${base}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body })
        .then(async (res) => ({ status: res.status, json: (await res.json()) as BulkAnswer }))
        // No answer: these writes may or may not have happened, so they are neither acknowledged nor refused.
        .catch(() => undefined);
      if (!answer) {
        this.unanswered += ops.length;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const { json, status: httpStatus } = answer;
      if (!json.items) {
        const type = json.error?.type ?? `http_${httpStatus}`;
        this.refused.set(type, (this.refused.get(type) ?? 0) + ops.length);
      } else {
        json.items.forEach((item, i) => {
          const result = Object.values(item)[0]!;
          const op = ops[i]!;
          if (result.status < 300 || (op.source === null && result.status === 404)) {
            this.acknowledged.set(op.id, op.source === null ? null : { routing: op.routing, source: op.source });
            this.operations++;
          } else {
            const type = result.error?.type ?? `http_${result.status}`;
            this.refused.set(type, (this.refused.get(type) ?? 0) + 1);
          }
        });
      }
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    }
  }
}
