import { createHash, type Hash } from "node:crypto";
import { Readable, Transform, type TransformCallback } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

import { InvalidArgumentError } from "./errors.js";

/** What an upload accepts: a Node stream, a web stream, async bytes, a Buffer or a string. */
export type UploadSource =
  | Readable
  | NodeJS.ReadableStream
  | WebReadableStream<Uint8Array>
  | globalThis.ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array>
  | Uint8Array
  | string;

/** The known byte length of a source, or undefined when it is a stream. */
export function knownLength(source: UploadSource): number | undefined {
  if (typeof source === "string") return Buffer.byteLength(source);
  if (source instanceof Uint8Array) return source.byteLength;
  return undefined;
}

/** Turns any UploadSource into a Node Readable of Buffers, without reading it. */
export function toReadable(source: UploadSource): Readable {
  if (source === null || source === undefined) throw notASource();
  if (typeof source === "string") return Readable.from([Buffer.from(source)]);
  if (source instanceof Uint8Array) return Readable.from([Buffer.from(source)]);
  if (source instanceof Readable) return source;
  if (isWebStream(source)) return Readable.fromWeb(source as WebReadableStream<Uint8Array>);
  if (isIterable(source)) return Readable.from(toBuffers(source), { objectMode: false });
  if (isNodeStream(source)) return new Readable({ objectMode: false }).wrap(source);
  throw notASource();
}

function notASource(): InvalidArgumentError {
  return new InvalidArgumentError(
    "Upload source must be a stream, a web stream, an async iterable of bytes, a Buffer or a string",
  );
}

/** Reads a stream whole. Only for small data the caller asked to hold in memory. */
export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * A pass-through that counts bytes and hashes them as they flow, so checksums and sizes
 * come for free on the single pass every upload and download already makes.
 */
export class HashingStream extends Transform {
  private readonly hash?: Hash;
  private digestValue?: string;
  bytes = 0;

  /**
   * `onBytes` is told the running byte count as chunks pass. It is the way to watch
   * progress: a "data" listener would switch the stream to flowing mode and hand chunks to
   * nobody while its consumer is not reading yet. With `expectedSize`, a source longer or
   * shorter than declared fails the stream with InvalidArgumentError, so no driver stores
   * bytes that contradict the size its caller promised. A null `algorithm` counts bytes
   * only (MD5 costs about as much CPU as sending the bytes to a nearby server).
   */
  constructor(
    algorithm: string | null = "md5",
    private readonly onBytes?: (bytes: number) => void,
    private readonly expectedSize?: number,
  ) {
    super();
    this.hash = algorithm === null ? undefined : createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      return done(
        new InvalidArgumentError(
          `The source is longer than its declared size of ${this.expectedSize} bytes`,
        ),
      );
    }
    this.hash?.update(chunk);
    this.onBytes?.(this.bytes);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      const message = `The source ended after ${this.bytes} bytes, short of its declared size of ${this.expectedSize}`;
      return done(new InvalidArgumentError(message));
    }
    done();
  }

  /** The hex digest; only valid once the stream has ended. */
  digest(): string {
    if (!this.hash) throw new Error("This stream counts bytes only; it has no digest");
    this.digestValue ??= this.hash.digest("hex");
    return this.digestValue;
  }
}

/** The hex MD5 of a Buffer or string. */
export function md5Hex(data: Uint8Array | string): string {
  return createHash("md5").update(data).digest("hex");
}

function isWebStream(value: unknown): boolean {
  return typeof (value as { getReader?: unknown }).getReader === "function";
}

function isIterable(value: unknown): value is AsyncIterable<unknown> | Iterable<unknown> {
  const v = value as Record<symbol, unknown>;
  return typeof v[Symbol.asyncIterator] === "function" || typeof v[Symbol.iterator] === "function";
}

function isNodeStream(value: unknown): value is NodeJS.ReadableStream {
  return typeof (value as { pipe?: unknown }).pipe === "function";
}

async function* toBuffers(source: AsyncIterable<unknown> | Iterable<unknown>) {
  for await (const chunk of source as AsyncIterable<unknown>) {
    if (typeof chunk === "string") yield Buffer.from(chunk);
    else if (chunk instanceof Uint8Array)
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new InvalidArgumentError("Upload source yielded something that is not bytes");
  }
}
