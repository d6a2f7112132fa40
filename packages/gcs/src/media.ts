import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

import type { FileMetadata, Storage } from "@google-cloud/storage";
import type { ByteRange } from "@stowage/core";

/** One object's bytes to fetch: all of them or a range, of the live or a given generation. */
export interface MediaRequest {
  bucket: string;
  objectName: string;
  range?: ByteRange;
  generation?: string;
  signal?: AbortSignal;
}

/** A failed media download, shaped like the Google library's errors for the one mapper. */
export class MediaError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "MediaError";
  }
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
 * Known gap: unlike the Google library, this request does not read HTTP(S)_PROXY.
 * @throws MediaError (an HTTP status), or the socket's error
 */
export async function openMedia(storage: Storage, media: MediaRequest): Promise<IncomingMessage> {
  const url = mediaUrl(storage, media);
  const headers: OutgoingHttpHeaders = {
    "accept-encoding": "gzip",
    ...(await authHeaders(storage)),
  };
  if (media.range) headers.range = `bytes=${media.range.start}-${media.range.end - 1}`;

  const response = await send(url, headers, media.signal);
  if (response.statusCode !== undefined && response.statusCode < 300) return response;

  throw new MediaError(response.statusCode ?? 500, await errorMessage(response));
}

/**
 * An object's resource (its metadata), fetched the same way as its bytes so that an aborted
 * call really ends its request: the Google library's getMetadata takes no AbortSignal, and
 * its request would run on, holding its connection, after the caller gave up.
 * @throws MediaError (an HTTP status), or the socket's error
 */
export async function fetchResource(
  storage: Storage,
  bucket: string,
  objectName: string,
  signal?: AbortSignal,
): Promise<FileMetadata> {
  const url = objectUrl(storage, bucket, objectName);
  const response = await send(url, await authHeaders(storage), signal);
  const text = await bodyText(response);
  if (response.statusCode !== undefined && response.statusCode < 300) {
    return JSON.parse(text) as FileMetadata;
  }
  throw new MediaError(response.statusCode ?? 500, errorText(text, response));
}

function objectUrl(storage: Storage, bucket: string, objectName: string): URL {
  const path = `${encodeURIComponent(bucket)}/o/${encodeURIComponent(objectName)}`;
  return new URL(`${storage.apiEndpoint}/storage/v1/b/${path}`);
}

function mediaUrl(storage: Storage, media: MediaRequest): URL {
  const url = objectUrl(storage, media.bucket, media.objectName);
  url.searchParams.set("alt", "media");
  if (media.generation !== undefined) url.searchParams.set("generation", media.generation);
  return url;
}

/**
 * The credentials' headers, as the Google library would send them: none to a custom endpoint
 * unless the driver was told to authenticate there.
 */
async function authHeaders(storage: Storage): Promise<Record<string, string>> {
  if (storage.customEndpoint && !storage.useAuthWithCustomEndpoint) return {};
  return (await storage.authClient.getRequestHeaders()) as Record<string, string>;
}

function send(
  url: URL,
  headers: OutgoingHttpHeaders,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    request(url, { headers, signal }).on("response", resolve).on("error", reject).end();
  });
}

/** GCS's JSON error message, or the status text. */
async function errorMessage(response: IncomingMessage): Promise<string> {
  return errorText(await bodyText(response), response);
}

async function bodyText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function errorText(text: string, response: IncomingMessage): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text || (response.statusMessage ?? "");
  }
}
