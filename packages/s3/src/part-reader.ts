import type { Readable } from "node:stream";

/**
 * Cuts a stream into buffers of a requested size, holding no more than one buffer's worth
 * of bytes beyond what the stream itself buffers: this is what bounds an upload's memory.
 */
export class PartReader {
  private readonly iterator: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;
  /** Bytes handed out so far. */
  bytesRead = 0;

  constructor(stream: Readable) {
    this.iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /**
   * The next `size` bytes, or fewer at the end of the stream (an empty buffer once it has
   * ended). Rejects with the stream's error.
   */
  async read(size: number): Promise<Buffer> {
    while (this.pendingBytes < size && !this.ended) await this.pull();
    return this.take(size);
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
    const next = await this.iterator.next();
    if (next.done) this.ended = true;
    else this.append(next.value);
  }

  private append(value: Uint8Array): void {
    if (value.length === 0) return;
    const chunk = Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.length);
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  private take(size: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const part = all.subarray(0, size);
    const rest = all.subarray(part.length);

    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    this.bytesRead += part.length;
    return part.length === all.length ? part : Buffer.from(part);
  }
}
