// Pool tasks report errors as data: a FerryError thrown in a worker would reach the main thread as a
// plain Error, without its `retryable` flag.
import { classify } from "../core/clusters/errors.ts";
import type { TaskOutcome } from "./protocol.ts";

export async function asOutcome<T>(what: string, task: () => Promise<T>): Promise<TaskOutcome<T>> {
  try {
    return { ok: true, result: await task() };
  } catch (err) {
    const e = classify(err, what);
    return { ok: false, error: { type: e.type, status: e.status, reason: e.reason, retryable: e.retryable } };
  }
}
