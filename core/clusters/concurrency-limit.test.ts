import { describe, expect, it } from "vitest";
import { forEachLimited, Slots } from "./concurrency-limit.ts";

describe("forEachLimited", () => {
  it("never has more than the limit in flight and visits every item once, in order", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachLimited(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      seen.push(i);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 4)));
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("takes no new item once stopped", async () => {
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5], 1, async (i) => {
      seen.push(i);
    }, () => seen.length >= 2);
    expect(seen).toEqual([1, 2]);
  });

  it("does nothing for no items", async () => {
    await forEachLimited([], 4, async () => {
      throw new Error("not called");
    });
  });
});

describe("Slots", () => {
  it("lets `size` holders in at once, the next in order as each releases, and ignores a second release", async () => {
    const slots = new Slots(() => 2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((release) => (order.push("c"), release));
    const d = slots.acquire().then((release) => (order.push("d"), release));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    a();
    a();
    await c;
    expect(order).toEqual(["c"]);
    b();
    await d;
    expect(order).toEqual(["c", "d"]);
  });

  it("lets a waiter give up when its signal aborts, without taking a slot", async () => {
    const slots = new Slots(() => 1);
    const held = await slots.acquire();
    const controller = new AbortController();
    const gaveUp = slots.acquire(controller.signal).then(() => "got", () => "gave up");
    controller.abort(new Error("stopped"));
    expect(await gaveUp).toBe("gave up");
    held();
    const again = await slots.acquire();
    again();
  });

  it("follows a size that changes: more slots let waiters in at admit(), fewer hold new work back", async () => {
    let size = 1;
    const slots = new Slots(() => size);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = slots.acquire().then((release) => (order.push("b"), release));
    size = 2;
    slots.admit();
    const releaseB = await b;
    expect(order).toEqual(["b"]);
    size = 1;
    a();
    const c = slots.acquire().then((release) => (order.push("c"), release));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(["b"]);
    releaseB();
    (await c)();
    expect(order).toEqual(["b", "c"]);
  });
});
