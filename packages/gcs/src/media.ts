import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";

import type { Storage } from "@google-cloud/storage";
import type { ByteRange } from "@stowage/core";

import { authHeaders, failureOf, isSuccess, objectUrl, send } from "./http.js";

/** One object's bytes to fetch: all of them or a range, of the live or a given generation. */
export interface MediaRequest {
  bucket: string;
  objectName: string;
  range?: ByteRange;
  generation?: string;
  signal?: AbortSignal;
}

/**
 * Opens an object's bytes with Node's own HTTP client and resolves once a 2xx answer began.
 *
 * The Google library's transport (node-fetch 2) never ends or fails a body whose connection
 * is cut before Content-Length bytes arrived, so a cut download would hang; Node's client
 * fails it with ECONNRESET, which Stowage resumes from the byte reached. `Accept-Encoding:
 * gzip` makes GCS send gzip-encoded objects as stored, and nothing here decompresses them.
 * The call's signal ends the request and closes its socket even once the body is flowing,
 * and a reader destroying the unfinished body closes the socket too, so that no cancelled
 * download keeps a connection to the server.
 * @throws GcsHttpError (an HTTP status), the socket's error, or an AbortError
 */
export async function openMedia(storage: Storage, media: MediaRequest): Promise<IncomingMessage> {
  const url = mediaUrl(storage, media);
  const headers: OutgoingHttpHeaders = {
    "accept-encoding": "gzip",
    ...(await authHeaders(storage)),
  };
  if (media.range) headers.range = `bytes=${media.range.start}-${media.range.end - 1}`;

  const response = await send("GET", url, headers, media.signal);
  if (isSuccess(response)) return response;

  throw await failureOf(response);
}

function mediaUrl(storage: Storage, media: MediaRequest): URL {
  const url = objectUrl(storage, media.bucket, media.objectName);
  url.searchParams.set("alt", "media");
  if (media.generation !== undefined) url.searchParams.set("generation", media.generation);
  return url;
}
