// Test data made on the fly: pseudo-random bytes that are never held whole, and consumers
// that read a download to its end (hashing it where asked) without keeping it.
import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** Chunks the generator yields: the size of a file stream's reads. */
const CHUNK = 64 * KiB;

/** Random bytes that every chunk is copied from; a counter stamped in front makes each unique. */
const POOL = randomBytes(4 * MiB + CHUNK);

/**
 * A stream of `size` pseudo-random bytes, made chunk by chunk as it is read, so that no
 * more than the consumer's buffers is ever in memory. Each chunk is a fresh Buffer (a
 * consumer may keep it) and differs from every other (a server cannot deduplicate).
 */
export function randomStream(size, seed = 0) {
  let offset = 0;
  let index = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (offset >= size) return this.push(null);
      const length = Math.min(CHUNK, size - offset);
      const chunk = Buffer.allocUnsafe(length);
      const start = (index * 4099) % (POOL.length - CHUNK);
      POOL.copy(chunk, 0, start, start + length);
      if (length >= 16) {
        chunk.writeUInt32LE(seed, 0);
        chunk.writeDoubleLE(index, 4);
      }
      offset += length;
      index += 1;
      this.push(chunk);
    },
  });
}

/** A Buffer of `size` pseudo-random bytes, for objects small enough to hold. */
export function randomBuffer(size) {
  return randomBytes(size);
}

/** A stream over a Buffer in 64 KiB slices (views, not copies), as a file stream reads. */
export function bufferStream(buffer) {
  return Readable.from(slices(buffer), { objectMode: false });
}

function* slices(buffer) {
  for (let offset = 0; offset < buffer.length; offset += CHUNK) {
    yield buffer.subarray(offset, offset + CHUNK);
  }
}

/** Reads a stream (Node or web) to its end, keeping nothing; resolves the bytes read. */
export async function drain(stream) {
  let bytes = 0;
  await pipeline(
    stream,
    new Writable({
      highWaterMark: CHUNK,
      write(chunk, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return bytes;
}

/** Reads a stream to its end through SHA-256; resolves { bytes, sha256 }. */
export async function drainHashed(stream) {
  const hash = createHash("sha256");
  let bytes = 0;
  await pipeline(
    stream,
    new Writable({
      highWaterMark: CHUNK,
      write(chunk, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done();
      },
    }),
  );
  return { bytes, sha256: hash.digest("hex") };
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function eachLimited(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
