// The S3 error mapper, branch by branch, on errors shaped exactly as the AWS SDK raises
// them. Real servers prove most branches in errors.test.ts; these cover the answers a test
// server cannot be made to give (throttling, 503, a token expiring, an ACL-less bucket).
import { expect } from "chai";
import {
  AccessDenied,
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  NoSuchBucket,
  NoSuchKey,
  NoSuchUpload,
  NotFound,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  AuthenticationError,
  ContainerAlreadyExistsError,
  ContainerDoesNotExistError,
  ContainerIsNotEmptyError,
  InvalidArgumentError,
  InvalidContainerNameError,
  InvalidObjectNameError,
  InvalidRangeError,
  NotSupportedError,
  ObjectDoesNotExistError,
  ObjectHashMismatchError,
  ObjectNameConflictError,
  PermissionDeniedError,
  PreconditionFailedError,
  ProviderError,
  StorageError,
  TransientError,
} from "@stowage/core";

import { mapS3Error } from "../src/map-error.js";

type ErrorClass = abstract new (...args: never[]) => StorageError;

const meta = (httpStatusCode: number) => ({
  $metadata: { httpStatusCode },
  message: "from the service",
});

/** A service error as the SDK builds one from an S3 error body: name and Code are the code. */
function serviceError(code: string, status = 400, fault: "client" | "server" = "client") {
  const error = new S3ServiceException({ name: code, $fault: fault, ...meta(status) });
  return Object.assign(error, { Code: code });
}

/** A Node socket error, as the SDK's HTTP handler passes it on. */
function socketError(code: string) {
  return Object.assign(new Error(`socket ${code}`), { code });
}

/** An error of the SDK's own, known by its name only. */
function named(name: string) {
  return Object.assign(new Error(name), { name });
}

const objectContext = { container: "bucket", objectName: "key" };
const onBucket = { container: "bucket" };
const conflict = serviceError("ConditionalRequestConflict", 409);
const NameConflict = ObjectNameConflictError;
const NotSupported = NotSupportedError;
const AlreadyExists = ContainerAlreadyExistsError;
const InvalidBucketName = InvalidContainerNameError;

const CASES: [string, unknown, ErrorClass, object?][] = [
  ["NoSuchBucket", new NoSuchBucket(meta(404)), ContainerDoesNotExistError],
  ["NoSuchKey", new NoSuchKey(meta(404)), ObjectDoesNotExistError],
  ["a bare 404 on HEAD of an object", new NotFound(meta(404)), ObjectDoesNotExistError],
  ["a bare 404 on HEAD of a bucket", new NotFound(meta(404)), ContainerDoesNotExistError, onBucket],
  ["BucketAlreadyOwnedByYou", new BucketAlreadyOwnedByYou(meta(409)), AlreadyExists, onBucket],
  ["BucketAlreadyExists", new BucketAlreadyExists(meta(409)), AlreadyExists, onBucket],
  ["BucketNotEmpty", serviceError("BucketNotEmpty", 409), ContainerIsNotEmptyError, onBucket],
  ["AccessDenied", new AccessDenied(meta(403)), PermissionDeniedError],
  ["AllAccessDisabled", serviceError("AllAccessDisabled", 403), PermissionDeniedError],
  ["a bare 403 on HEAD", serviceError("Unknown", 403), PermissionDeniedError],
  ["InvalidAccessKeyId", serviceError("InvalidAccessKeyId", 403), AuthenticationError],
  ["SignatureDoesNotMatch", serviceError("SignatureDoesNotMatch", 403), AuthenticationError],
  ["ExpiredToken", serviceError("ExpiredToken", 400), AuthenticationError],
  ["RequestTimeTooSkewed", serviceError("RequestTimeTooSkewed", 403), AuthenticationError],
  ["no credentials in the chain", named("CredentialsProviderError"), AuthenticationError],
  ["PreconditionFailed", serviceError("PreconditionFailed", 412), PreconditionFailedError],
  ["a bare 412", serviceError("Unknown", 412), PreconditionFailedError],
  ["ConditionalRequestConflict", conflict, PreconditionFailedError],
  ["InvalidRange", serviceError("InvalidRange", 416), InvalidRangeError],
  ["a bare 416", serviceError("Unknown", 416), InvalidRangeError],
  ["BadDigest", serviceError("BadDigest", 400), ObjectHashMismatchError],
  ["SlowDown", serviceError("SlowDown", 503, "server"), TransientError],
  ["ServiceUnavailable", serviceError("ServiceUnavailable", 503, "server"), TransientError],
  ["a bare 503", serviceError("Unknown", 503, "server"), TransientError],
  ["InternalError", serviceError("InternalError", 500, "server"), TransientError],
  ["RequestTimeout", serviceError("RequestTimeout", 400), TransientError],
  ["a bare 429", serviceError("Unknown", 429), TransientError],
  ["a connection reset", socketError("ECONNRESET"), TransientError],
  ["a refused connection", socketError("ECONNREFUSED"), TransientError],
  ["a socket timeout", named("TimeoutError"), TransientError],
  ["InvalidBucketName", serviceError("InvalidBucketName", 400), InvalidBucketName, onBucket],
  ["KeyTooLongError", serviceError("KeyTooLongError", 400), InvalidObjectNameError],
  ["ObjectParentIsFile", serviceError("ObjectParentIsFile", 409), ObjectNameConflictError],
  ["ExistingObjectIsDirectory", serviceError("ExistingObjectIsDirectory", 409), NameConflict],
  ["MetadataTooLarge", serviceError("MetadataTooLarge", 400), InvalidArgumentError],
  ["EntityTooLarge", serviceError("EntityTooLarge", 400), InvalidArgumentError],
  ["InvalidArgument", serviceError("InvalidArgument", 400), InvalidArgumentError],
  ["AccessControlListNotSupported", serviceError("AccessControlListNotSupported"), NotSupported],
  ["NotImplemented", serviceError("NotImplemented", 501, "server"), NotSupportedError],
  ["NoSuchUpload", new NoSuchUpload(meta(404)), ProviderError],
  ["an unknown code", serviceError("SomethingNew", 400), ProviderError],
];

describe("mapS3Error", () => {
  for (const [label, error, expected, context = objectContext] of CASES) {
    it(`maps ${label} to ${expected.name}`, () => {
      // The driver hands the mapper the original error as the context's cause.
      const mapped = mapS3Error(error, { ...context, cause: error });

      expect(mapped).to.be.instanceOf(expected);
      expect(mapped.cause).to.equal(error);
    });
  }

  it("names the container and object in the errors it builds", () => {
    const missing = mapS3Error(new NoSuchKey(meta(404)), objectContext) as ObjectDoesNotExistError;
    const bucket = mapS3Error(new NoSuchBucket(meta(404)), onBucket);

    expect(missing.objectName).to.equal("key");
    expect(missing.container).to.equal("bucket");
    expect(bucket.message).to.contain('"bucket"');
  });

  it("marks only transient faults retryable", () => {
    const slowDown = serviceError("SlowDown", 503, "server");
    expect(mapS3Error(slowDown, objectContext).retryable).to.equal(true);
    expect(mapS3Error(new AccessDenied(meta(403)), objectContext).retryable).to.equal(false);
  });

  it("passes a StorageError through unchanged", () => {
    const error = new InvalidArgumentError("already mapped");

    expect(mapS3Error(error, objectContext)).to.equal(error);
  });
});
