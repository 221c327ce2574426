// Pool tasks report errors as data: a FerryError thrown in a worker would reach the main thread as a
// plain Error, without its `retryable` flag. The task's cluster requests are tallied on the way.
import { classify } from "../core/clusters/errors.ts";
import { tallyRequests } from "../core/clusters/request-tally.ts";
import type { TaskOutcome } from "./protocol.ts";

export async function asOutcome<T>(what: string, task: () => Promise<T>): Promise<TaskOutcome<T>> {
  const { tally, result } = await tallyRequests(task);
  if (result.status === "fulfilled") return { ok: true, result: result.value, requests: tally };
  const e = classify(result.reason, what);
  return { ok: false, error: { type: e.type, status: e.status, reason: e.reason, retryable: e.retryable }, requests: tally };
}
