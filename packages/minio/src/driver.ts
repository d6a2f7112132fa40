import { InvalidArgumentError, Provider, type Capabilities } from "@stowage/core";
import { S3StorageDriver, type S3DriverOptions } from "@stowage/s3";

/**
 * Options of MinIOStorageDriver: where the server is, plus the S3 driver's transfer,
 * retry and logging options. Requests always use path-style addressing
 * (`http://host:port/bucket/key`), which every S3-compatible server understands.
 */
export interface MinIODriverOptions
  extends Omit<S3DriverOptions, "endpoint" | "forcePathStyle" | "region"> {
  /** The server's host name or address. Default "127.0.0.1". */
  host?: string;
  /** The server's port. Default 443 with `secure`, else 9000 (MinIO's default). */
  port?: number;
  /** TLS on (https) or off (http). Default true. */
  secure?: boolean;
  /** The region requests are signed for. Default "us-east-1", MinIO's default. */
  region?: string;
}

/**
 * MinIO, and any other S3-compatible server reached by host and port (Libcloud's
 * MinIOStorageDriver).
 *
 * ```ts
 * const MinIO = getDriver(Provider.MINIO);
 * const driver = new MinIO("api key", "api secret key", {
 *   secure: false,
 *   host: "127.0.0.1",
 *   port: 9000,
 * });
 * ```
 */
export class MinIOStorageDriver extends S3StorageDriver {
  override readonly name: string = "MinIO";
  override readonly provider: string = Provider.MINIO;

  /** @throws InvalidArgumentError for a host or port that makes no URL */
  constructor(key?: string, secret?: string, options: MinIODriverOptions = {}) {
    const { host, port, secure, region, ...rest } = options;
    super(key, secret, {
      ...rest,
      endpoint: endpointOf(host, port, secure),
      region: region ?? "us-east-1",
      forcePathStyle: true,
    });
  }

  /** MinIO implements no ACLs (access is set by bucket policies), so `extra.acl` is refused. */
  protected override describeCapabilities(): Capabilities {
    return { ...super.describeCapabilities(), acl: false };
  }
}

/** `http(s)://host:port`, with an IPv6 address bracketed. */
export function endpointOf(host = "127.0.0.1", port?: number, secure = true): string {
  const chosenPort = port ?? (secure ? 443 : 9000);
  if (!Number.isInteger(chosenPort) || chosenPort < 1 || chosenPort > 65_535) {
    throw new InvalidArgumentError(`port must be an integer from 1 to 65535, got ${port}`);
  }
  if (host === "" || /[/\s]/.test(host)) {
    const shown = JSON.stringify(host);
    throw new InvalidArgumentError(`host must be a host name or address, got ${shown}`);
  }

  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return `${secure ? "https" : "http"}://${hostPart}:${chosenPort}`;
}
