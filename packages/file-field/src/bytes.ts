import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Reads the first `bytes` of a stream (fewer if it is shorter) and returns them with a stream
 * of the whole content, head included: format detection needs only the head, so a large
 * file is never held in memory to judge its type.
 */
export async function peek(
  source: Readable,
  bytes: number,
): Promise<{ head: Buffer; body: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;

  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(Buffer.from(next.value));
    length += next.value.length;
  }

  const head = Buffer.concat(chunks);
  return {
    head: head.subarray(0, bytes),
    body: Readable.from(rest(head, ended ? undefined : iterator)),
  };
}

async function* rest(head: Buffer, iterator: AsyncIterator<Buffer> | undefined) {
  if (head.length > 0) yield head;
  if (!iterator) return;

  for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
}

/**
 * Passes bytes through and fails the stream with `tooLarge()` as soon as more than `max`
 * went by: the size limit is enforced while streaming, before the whole file is read.
 */
export function limitBytes(max: number, tooLarge: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > max) done(tooLarge());
      else done(null, chunk);
    },
  });
}

/** A file spooled to a private temporary directory; `remove()` deletes both. */
export interface Spooled {
  path: string;
  size: number;
  remove(): Promise<void>;
}

/**
 * Writes a stream to a temporary file, for the checks and processors that need the whole
 * file (image dimensions, thumbnails) without holding it in memory.
 */
export async function spool(body: Readable, limit?: Transform): Promise<Spooled> {
  const dir = await mkdtemp(join(tmpdir(), "stowage-file-"));
  const path = join(dir, "content");
  const remove = () => rm(dir, { recursive: true, force: true });
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      size += chunk.length;
      done(null, chunk);
    },
  });

  try {
    const stages = limit ? [body, limit, counter] : [body, counter];
    await pipeline([...stages, createWriteStream(path)]);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, size, remove };
}
