import type { BlobClient, BlobGetPropertiesResponse } from "@azure/storage-blob";
import { untilAborted, type UploadExtra } from "@stowage/core";

import { encodeMetadata } from "./metadata.js";

/** How often a pending copy is asked about; copies within one account are mostly done at once. */
const POLL_INTERVAL_MS = 1_000;

/**
 * Copies a blob within the account with Copy Blob, polled until the service reports it done;
 * the copy keeps the source's Content-MD5 and headers. With `extra`, the copy gets its
 * metadata instead of the source's, and its content type (which Copy Blob cannot set, so it
 * is set right after, with the other headers kept). If the caller aborts while the copy is
 * pending, the copy is aborted too, leaving no blob.
 * @throws the SDK's errors (BlobNotFound for a missing source, ContainerNotFound)
 */
export async function copyBlob(
  source: BlobClient,
  target: BlobClient,
  extra: UploadExtra | undefined,
  signal?: AbortSignal,
): Promise<BlobGetPropertiesResponse> {
  const metadata = extra ? encodeMetadata(extra.metaData ?? {}) : undefined;
  const poller = await target.beginCopyFromURL(source.url, {
    metadata,
    abortSignal: signal,
    intervalInMs: POLL_INTERVAL_MS,
  });

  try {
    await untilAborted(poller.pollUntilDone(), signal);
  } catch (error) {
    poller.stopPolling();
    const copyId = poller.getOperationState().result?.copyId;
    if (copyId) await target.abortCopyFromURL(copyId).catch(() => undefined);
    throw error;
  }

  const props = await target.getProperties({ abortSignal: signal });
  const contentType = extra?.contentType;
  if (contentType === undefined || contentType === props.contentType) return props;
  return setContentType(target, props, contentType, signal);
}

async function setContentType(
  target: BlobClient,
  props: BlobGetPropertiesResponse,
  contentType: string,
  signal?: AbortSignal,
): Promise<BlobGetPropertiesResponse> {
  // Set Blob Properties replaces every header, so the ones the copy brought are sent again.
  await target.setHTTPHeaders(
    {
      blobContentType: contentType,
      blobContentMD5: props.contentMD5,
      blobCacheControl: props.cacheControl,
      blobContentDisposition: props.contentDisposition,
      blobContentEncoding: props.contentEncoding,
      blobContentLanguage: props.contentLanguage,
    },
    { abortSignal: signal, conditions: { ifMatch: props.etag } },
  );
  return target.getProperties({ abortSignal: signal });
}
