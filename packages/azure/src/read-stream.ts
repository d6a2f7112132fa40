import { PassThrough, type Readable } from "node:stream";

/**
 * The SDK's download stream, with its failures told apart the way the core needs them. The
 * SDK reports a connection that closed mid-body as an AbortError, and a body that ended
 * short as "Data corruption failure"; both are cuts that the core resumes from the byte
 * reached, so they are passed on as connection resets. An abort that the caller asked for
 * stays an abort. Destroying the result releases the SDK's stream and its socket.
 */
export function downloadStream(body: Readable, signal?: AbortSignal): Readable {
  const out = new PassThrough();
  body.on("error", (error) => out.destroy(asCut(error, signal)));
  out.on("close", () => body.destroy());
  body.pipe(out);
  return out;
}

function asCut(error: Error, signal?: AbortSignal): Error {
  if (signal?.aborted) return error;
  const short = /^Data corruption failure: received less/.test(error.message);
  if (error.name !== "AbortError" && !short) return error;

  const cut = new Error("The connection closed before the download ended", { cause: error });
  return Object.assign(cut, { code: "ECONNRESET" });
}
