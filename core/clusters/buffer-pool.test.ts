import { describe, expect, it } from "vitest";
import { BufferPool } from "./buffer-pool.ts";

describe("BufferPool", () => {
  it("hands out exactly the size asked, and the same allocation again once it came back", () => {
    const pool = new BufferPool(2);
    const first = pool.take(3_000_000);
    expect(first.length).toBe(3_000_000);
    pool.give(first);
    const again = pool.take(2_500_000);
    expect(again.length).toBe(2_500_000);
    expect(again.buffer).toBe(first.buffer);
  });

  it("never hands out a buffer that is still out", () => {
    const pool = new BufferPool(2);
    const a = pool.take(1_000_000);
    const b = pool.take(1_000_000);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it("keeps only its own allocations, and at most `keep` of them", () => {
    const pool = new BufferPool(1);
    // A small Buffer from elsewhere may share Node's slab with other data: it must never be handed out.
    const foreign = Buffer.from("shared slab");
    pool.give(foreign);
    expect(pool.take(300_000).buffer).not.toBe(foreign.buffer);
    const kept = pool.take(300_000);
    const dropped = pool.take(300_000);
    pool.give(kept);
    pool.give(dropped);
    expect(pool.take(300_000).buffer).toBe(kept.buffer);
    expect(pool.take(300_000).buffer).not.toBe(dropped.buffer);
  });

  it("leaves small buffers to Node: a page of a few documents does not hold a megabyte", () => {
    const pool = new BufferPool(4);
    const small = pool.take(10_000);
    expect(small.buffer.byteLength).toBeLessThan(1 << 20);
    pool.give(small);
    expect(pool.take(10_000).buffer).not.toBe(small.buffer);
  });
});
