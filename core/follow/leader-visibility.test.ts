import { describe, expect, it } from "vitest";
import { nothingKnown, observeCopy, refreshDue, refreshedAfter, type CopyReading, type Visibility } from "./leader-visibility.ts";

const read = (globalCheckpoint: number, refreshes: number | undefined, node: string | undefined = "n1"): CopyReading => ({ globalCheckpoint, refreshes, node });
const polls = (readings: CopyReading[], start: Visibility = nothingKnown(), followerCheckpoint = -1) =>
  readings.reduce((v, r, i) => observeCopy(v, r, followerCheckpoint, i * 100), start);

describe("observeCopy", () => {
  it("knows a checkpoint searchable once the copy counted two refreshes after a later reading", () => {
    // G=10 read with count 5; the next poll's count 5 is the fence; 6 may be the refresh under way; 7 began after.
    expect(polls([read(10, 5), read(10, 5)]).searchable).toBe(-1);
    expect(polls([read(10, 5), read(10, 5), read(10, 6)]).searchable).toBe(-1);
    expect(polls([read(10, 5), read(10, 5), read(10, 7)]).searchable).toBe(10);
  });

  it("takes the fence from the later reading, not from the one that read the checkpoint", () => {
    // The count moved by two between the checkpoint's reading and the next: those refreshes may all have
    // begun before the checkpoint was read, so two more are needed.
    expect(polls([read(10, 5), read(12, 7)]).searchable).toBe(-1);
    expect(polls([read(10, 5), read(12, 7), read(12, 8)]).searchable).toBe(-1);
    expect(polls([read(10, 5), read(12, 7), read(12, 9)]).searchable).toBe(10);
  });

  it("lets one checkpoint through at a time on a leader that writes between every two polls", () => {
    const v = polls([read(10, 5), read(20, 5), read(30, 6), read(40, 7), read(50, 7)]);
    expect(v.searchable).toBe(10);
    // The next checkpoint waits from the poll that matured the first one.
    expect(v.waiting).toMatchObject({ checkpoint: 40 });
  });

  it("never knows more than the leader's refreshes prove: no count, nothing searchable", () => {
    expect(polls([read(10, undefined), read(10, undefined), read(10, undefined)]).searchable).toBe(-1);
  });

  it("starts over on a copy on another node", () => {
    const v = polls([read(10, 5), read(10, 5), read(10, 7)]);
    expect(v.searchable).toBe(10);
    const moved = observeCopy(v, read(12, 100, "n2"), -1, 1_000);
    expect(moved).toMatchObject({ node: "n2", searchable: -1, waiting: { checkpoint: 12 } });
  });

  it("starts over when the count goes down: the shard was reopened on the same node", () => {
    const v = polls([read(10, 5), read(10, 5), read(10, 7)]);
    expect(observeCopy(v, read(10, 1), -1, 1_000)).toMatchObject({ searchable: -1, waiting: { checkpoint: 10, fence: undefined } });
  });

  it("keeps how long operations have waited across a change of copy, so that refresh_wait still bounds them", () => {
    const v = observeCopy(polls([read(10, 5), read(12, 5)]), read(12, 0, "n2"), -1, 1_000);
    expect(v.waiting).toMatchObject({ checkpoint: 12, since: 0 });
    expect(refreshDue(v, 0, 5_000, 5_000, -10_000)).toBe(true);
  });

  it("lets operations past what the follower holds wait at once, on a shard that no longer refreshes by itself", () => {
    // After a start or restart the follower holds checkpoint 49 and nothing about the leader's reader is
    // known; the leader then takes writes but counts no refresh (search-idle).
    const v = polls([read(49, 4), read(79, 4), read(79, 4)], nothingKnown(), 49);
    expect(v.waiting).toMatchObject({ checkpoint: 79 });
    expect(refreshDue(v, 49, 300, 0, -10_000)).toBe(true);
  });

  it("asks nothing of a leader at the follower's checkpoint", () => {
    expect(polls([read(49, 4), read(49, 4)], nothingKnown(), 49).waiting).toBeUndefined();
  });

  it("forgets everything while the shard has no active primary", () => {
    expect(observeCopy(polls([read(10, 5), read(10, 5), read(10, 7)]), undefined, -1, 1_000)).toEqual(nothingKnown());
  });
});

describe("refreshedAfter", () => {
  it("makes the checkpoint read before the refresh searchable and drops a wait it covers", () => {
    const v = refreshedAfter(polls([read(10, 5), read(20, 5)]), 20);
    expect(v.searchable).toBe(20);
    expect(v.waiting).toBeUndefined();
  });

  it("never lowers what is known", () => {
    const v = polls([read(10, 5), read(10, 5), read(10, 7)]);
    expect(refreshedAfter(v, 3).searchable).toBe(10);
  });
});

describe("refreshDue", () => {
  const waiting = polls([read(10, 5)]); // waiting since 0 for checkpoint 10
  it.each([
    ["low-lag mode, something to copy", waiting, 0, 0, 0, -1_000, true],
    ["low-lag mode, ferry refreshed 300 ms ago", waiting, 0, 400, 0, 100, false],
    ["low-lag mode, ferry refreshed 500 ms ago", waiting, 0, 600, 0, 100, true],
    ["leader-refresh mode, waited less than refresh_wait", waiting, 0, 4_000, 5_000, -10_000, false],
    ["leader-refresh mode, waited refresh_wait", waiting, 0, 5_000, 5_000, -10_000, true],
    ["follower already has the waiting checkpoint", waiting, 10, 5_000, 0, -10_000, false],
    ["nothing waits", nothingKnown(), 0, 5_000, 0, -10_000, false],
  ] as const)("%s", (_name, v, followerCheckpoint, now, wait, lastForcedAt, expected) => {
    expect(refreshDue(v, followerCheckpoint, now, wait, lastForcedAt)).toBe(expected);
  });
});
