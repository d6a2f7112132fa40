import type { Readable } from "node:stream";

import { untilAborted } from "./abort.js";

/**
 * Cuts a stream into blocks of a requested size, holding no more than one block's worth of
 * bytes beyond what the stream itself buffers: this is what bounds an upload's memory.
 */
export class BlockReader {
  private readonly iterator: AsyncIterator<Buffer>;
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
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** The next `size` bytes, fewer at the end of the stream. Rejects with the stream's error. */
  async read(size: number): Promise<Buffer> {
    while (this.pendingBytes < size && !this.ended) await this.pull();
    return this.take(size);
  }

  /** Whether the stream has more bytes, reading ahead at most one chunk to find out. */
  async hasMore(): Promise<boolean> {
    while (this.pendingBytes === 0 && !this.ended) await this.pull();
    return this.pendingBytes > 0;
  }

  private async pull(): Promise<void> {
    const next = await untilAborted(this.iterator.next(), this.signal);
    if (next.done) {
      this.ended = true;
      return;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  private take(size: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const block = all.subarray(0, size);
    const rest = all.subarray(block.length);

    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    this.bytesRead += block.length;
    // A block that is a slice of a larger chunk is copied, so that it does not keep the
    // whole chunk alive while it waits to be sent.
    return block.length === all.length ? block : Buffer.from(block);
  }
}
