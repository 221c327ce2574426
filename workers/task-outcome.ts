// Pool tasks report errors as data: a FerryError thrown in a worker would reach the main thread as a
// plain Error, without its `retryable` flag. The task's cluster requests are tallied on the way, and
// cancelled when the scheduler says so on the task's port (core/clusters/cancellation.ts).
import type { MessagePort } from "node:worker_threads";
import { cancellable } from "../core/clusters/cancellation.ts";
import { classify } from "../core/clusters/errors.ts";
import { tallyRequests } from "../core/clusters/request-tally.ts";
import type { TaskOutcome } from "./protocol.ts";

export async function asOutcome<T>(what: string, cancel: MessagePort, task: () => Promise<T>): Promise<TaskOutcome<T>> {
  const controller = new AbortController();
  cancel.once("message", () => controller.abort());
  try {
    const { tally, result } = await tallyRequests(() => cancellable(controller.signal, task));
    if (result.status === "fulfilled") return { ok: true, result: result.value, requests: tally };
    const e = classify(result.reason, what);
    return { ok: false, error: { type: e.type, status: e.status, reason: e.reason, retryable: e.retryable }, requests: tally };
  } finally {
    cancel.close();
  }
}
