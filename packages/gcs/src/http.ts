import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

import type { Storage } from "@google-cloud/storage";

// Requests Stowage sends with Node's own HTTP client rather than through the Google library,
// whose requests take no AbortSignal: these end, socket and all, when the call's signal fires.
// Known gap: unlike the Google library, they do not read HTTP(S)_PROXY.

/** A Cloud Storage answer outside 2xx, shaped like the Google library's errors for the mapper. */
export class GcsHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "GcsHttpError";
  }
}

/** A bucket's JSON API address. */
export function bucketUrl(storage: Storage, bucket: string): URL {
  return new URL(`${storage.apiEndpoint}/storage/v1/b/${encodeURIComponent(bucket)}`);
}

/** An object's JSON API address. */
export function objectUrl(storage: Storage, bucket: string, objectName: string): URL {
  const url = bucketUrl(storage, bucket);
  url.pathname += `/o/${encodeURIComponent(objectName)}`;
  return url;
}

/**
 * The credentials' headers, as the Google library would send them: none to a custom endpoint
 * unless the driver was told to authenticate there.
 */
export async function authHeaders(storage: Storage): Promise<Record<string, string>> {
  if (storage.customEndpoint && !storage.useAuthWithCustomEndpoint) return {};
  return (await storage.authClient.getRequestHeaders()) as Record<string, string>;
}

/**
 * Sends a request without a body and resolves with the answer once its head arrived.
 * @throws the socket's error, or an AbortError when `signal` fires
 */
export function send(
  method: string,
  url: URL,
  headers: OutgoingHttpHeaders,
  signal?: AbortSignal,
): Promise<IncomingMessage> {
  const request = url.protocol === "http:" ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    request(url, { method, headers, signal }).on("response", resolve).on("error", reject).end();
  });
}

/**
 * Sends an authenticated JSON API request and reads its answer whole: the parsed resource,
 * or undefined when the answer has no body (a delete's 204).
 * @throws GcsHttpError (a status outside 2xx), the socket's error, or an AbortError
 */
export async function callJsonApi<T>(
  storage: Storage,
  method: string,
  url: URL,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const response = await send(method, url, await authHeaders(storage), signal);
  const text = await bodyText(response);
  if (!isSuccess(response)) throw new GcsHttpError(statusCode(response), errorText(text, response));
  return text === "" ? undefined : (JSON.parse(text) as T);
}

/** Reads a failed answer and turns it into its error. */
export async function failureOf(response: IncomingMessage): Promise<GcsHttpError> {
  return new GcsHttpError(statusCode(response), errorText(await bodyText(response), response));
}

export function isSuccess(response: IncomingMessage): boolean {
  return response.statusCode !== undefined && response.statusCode < 300;
}

function statusCode(response: IncomingMessage): number {
  return response.statusCode ?? 500;
}

async function bodyText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** GCS's JSON error message, or the status text. */
function errorText(text: string, response: IncomingMessage): string {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text || (response.statusMessage ?? "");
  }
}
