// The tasks running for each follower index: one slot per shard (a follow cycle or a sweep) and one for
// the index's metadata sync. They are kept apart from the scheduler's following of the index: a halt
// (pause, stop, promote) lets go of the index at once while its tasks end in their own time, and a follow
// that comes back meanwhile (a resume during a slow pause) must not start a second writer on a shard.
export type TaskSlot = number | "metadata";

interface RunningTask {
  done: Promise<unknown>;
  cancel: AbortController;
}

export class RunningTasks {
  private readonly byIndex = new Map<string, Map<TaskSlot, RunningTask>>();

  /** Whether a task of the index runs in that slot, or in any slot. */
  busy(followerIndex: string, slot?: TaskSlot): boolean {
    const slots = this.byIndex.get(followerIndex);
    return slot === undefined ? slots !== undefined : slots?.has(slot) === true;
  }

  /** Starts `task` in the slot; a slot still taken is a scheduling bug, refused loudly. */
  run(followerIndex: string, slot: TaskSlot, task: (signal: AbortSignal) => Promise<unknown>): void {
    if (this.busy(followerIndex, slot)) throw new Error(`a task of [${followerIndex}] (${slot}) is still running`);
    const cancel = new AbortController();
    const started = task(cancel.signal);
    const slots = this.byIndex.get(followerIndex) ?? new Map<TaskSlot, RunningTask>();
    this.byIndex.set(followerIndex, slots);
    const done = started.finally(() => {
      slots.delete(slot);
      if (slots.size === 0 && this.byIndex.get(followerIndex) === slots) this.byIndex.delete(followerIndex);
    });
    slots.set(slot, { done, cancel });
  }

  /** Asks every running task of the index to end early (core/clusters/cancellation.ts). */
  cancel(followerIndex: string): void {
    for (const task of this.byIndex.get(followerIndex)?.values() ?? []) task.cancel.abort();
  }

  /** Resolves once every task of the index that runs now has ended, `except` the one in that slot. */
  async settled(followerIndex: string, except?: TaskSlot): Promise<void> {
    const slots = [...(this.byIndex.get(followerIndex) ?? [])];
    await Promise.allSettled(slots.filter(([slot]) => slot !== except).map(([, task]) => task.done));
  }
}
