import type { Readable } from "node:stream";

import { untilAborted } from "./call.js";

/**
 * Cuts a stream into buffers of a requested size (the parts of a multipart upload, the blocks
 * of a block blob), holding no more than one buffer's worth of bytes beyond what the stream
 * itself buffers: this is what bounds an upload's memory. Each part is assembled once, into
 * a buffer of its own size, so no part is ever held twice.
 */
export class ChunkReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  /** Bytes handed out so far. */
  bytesRead = 0;

  /** `signal` ends a read that waits on a stalled source, rejecting with its reason. */
  constructor(
    stream: Readable,
    private readonly signal?: AbortSignal,
  ) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  }

  /**
   * The next `size` bytes, or fewer at the end of the stream (an empty buffer once it has
   * ended). Rejects with the stream's error.
   */
  async read(size: number): Promise<Buffer> {
    while (this.pendingBytes < size && !this.ended) await this.pull();
    return this.take(Math.min(size, this.pendingBytes));
  }

  /** Whether the stream has more bytes, reading ahead at most one chunk to find out. */
  async hasMore(): Promise<boolean> {
    while (this.pendingBytes === 0 && !this.ended) await this.pull();
    return this.pendingBytes > 0;
  }

  /** Puts bytes back in front of the stream, to be read again. */
  unshift(data: Buffer): void {
    if (data.length === 0) return;
    this.pending.unshift(data);
    this.pendingBytes += data.length;
    this.bytesRead -= data.length;
  }

  /** Stops reading and lets the stream release what it holds. */
  async close(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    await this.iterator.return?.();
  }

  private async pull(): Promise<void> {
    const next = await untilAborted(this.iterator.next(), this.signal);
    if (next.done) {
      this.ended = true;
      return;
    }
    const value = next.value;
    if (value.length === 0) return;
    this.pending.push(Buffer.from(value.buffer, value.byteOffset, value.length));
    this.pendingBytes += value.length;
  }

  private take(size: number): Buffer {
    this.pendingBytes -= size;
    this.bytesRead += size;
    const first = this.pending[0];
    if (first && first.length === size) return this.pending.shift()!;

    const part = Buffer.allocUnsafe(size);
    for (let filled = 0; filled < size;) {
      const head = this.pending[0]!;
      const count = Math.min(head.length, size - filled);
      head.copy(part, filled, 0, count);
      filled += count;
      if (count === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(count);
    }
    return part;
  }
}
