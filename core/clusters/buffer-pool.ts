// Large buffers a thread hands out again: leader pages and `_bulk` bodies of megabytes each. A fresh one
// per page is external memory that drives V8's garbage collector.
const UNIT = 1 << 20;
/** Below this, a buffer is cheap to allocate, and a kept megabyte per small page would cost more. */
const SMALL = UNIT / 4;

export class BufferPool {
  private readonly free: Buffer[] = [];
  /** Allocations of this pool: only those come back (a Buffer from elsewhere may share Node's slab). */
  private readonly own = new WeakSet<ArrayBufferLike>();

  constructor(private readonly keep: number) {}

  /** A buffer of exactly `size` bytes, backed by a kept allocation when one is large enough. */
  take(size: number): Buffer {
    if (size < SMALL) return Buffer.allocUnsafe(size);
    const at = this.free.findIndex((b) => b.length >= size);
    let whole = at >= 0 ? this.free.splice(at, 1)[0] : undefined;
    if (!whole) {
      whole = Buffer.allocUnsafeSlow(Math.ceil(size / UNIT) * UNIT);
      this.own.add(whole.buffer);
    }
    return whole.subarray(0, size);
  }

  /** Gives `buffer` (from `take`) back; nothing may read it afterwards. */
  give(buffer: Buffer): void {
    if (this.free.length >= this.keep || !this.own.has(buffer.buffer)) return;
    this.free.push(Buffer.from(buffer.buffer, 0, buffer.buffer.byteLength));
  }
}

/** This thread's pool. */
export const largeBuffers = new BufferPool(4);
