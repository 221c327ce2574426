// What an auto-follow rule does with a start that was refused. A recoverable refusal (the error's
// `retryable`: shards of a just-created leader index still initialising, a snapshot already running, a
// cluster briefly unreachable) is tried again at the rule's next poll; only any other refusal goes to
// `failed_indices`, to wait for `retry_poll_interval` as in the plugin. Each refusal is logged once:
// a recoverable one again only when its reason changes, since it may repeat at every poll.
import { isFerryError } from "../errors.ts";

export interface StartRefusal {
  type: string;
  reason: string;
  retryable: boolean;
}

export function startRefusal(err: unknown): StartRefusal {
  if (isFerryError(err)) return { type: err.type, reason: err.reason, retryable: err.retryable };
  return { type: "exception", reason: err instanceof Error ? err.message : String(err), retryable: false };
}

/** The leader indices of one rule whose starts were refused for a recoverable reason, with that reason. */
export class RecoverableRefusals {
  private readonly reasons = new Map<string, string>();

  /** Records the refusal; answers whether it is news (to be logged): a new index or a new reason. */
  note(leaderIndex: string, reason: string): boolean {
    const news = this.reasons.get(leaderIndex) !== reason;
    this.reasons.set(leaderIndex, reason);
    return news;
  }

  /** The index started, or was refused for good. */
  forget(leaderIndex: string): void {
    this.reasons.delete(leaderIndex);
  }

  /** Drops indices the rule no longer selects (deleted, closed, or the rule changed). */
  keepOnly(leaderIndices: Iterable<string>): void {
    const kept = new Set(leaderIndices);
    for (const index of [...this.reasons.keys()]) if (!kept.has(index)) this.reasons.delete(index);
  }
}
