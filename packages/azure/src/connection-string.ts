import { InvalidArgumentError } from "@stowage/core";

/** What an Azure Storage connection string says about the blob service. */
export interface ConnectionSettings {
  accountName: string;
  accountKey?: string;
  sasToken?: string;
  endpoint: string;
}

/**
 * Azurite's (and the old storage emulator's) well-known development account, which
 * `UseDevelopmentStorage=true` stands for. Microsoft publishes this key; it opens only the
 * local emulator.
 */
const DEVELOPMENT = {
  accountName: "devstoreaccount1",
  accountKey:
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  endpoint: "http://127.0.0.1:10000/devstoreaccount1",
};

/**
 * Parses a connection string as the Azure portal gives it: `AccountName`, `AccountKey` or
 * `SharedAccessSignature`, and `BlobEndpoint` or `DefaultEndpointsProtocol` with
 * `EndpointSuffix`; `UseDevelopmentStorage=true` means Azurite on its default port.
 * @throws InvalidArgumentError when the string names no account or no way to reach it
 */
export function parseConnectionString(connectionString: string): ConnectionSettings {
  const fields = fieldsOf(connectionString);
  if (fields.get("usedevelopmentstorage")?.toLowerCase() === "true") return { ...DEVELOPMENT };

  const endpoint = fields.get("blobendpoint") ?? defaultEndpoint(fields);
  const accountName = fields.get("accountname") ?? accountFromEndpoint(endpoint);
  if (!accountName) {
    throw new InvalidArgumentError("The connection string names no AccountName");
  }
  return {
    accountName,
    accountKey: fields.get("accountkey"),
    sasToken: fields.get("sharedaccesssignature"),
    endpoint: endpoint ?? `https://${accountName}.blob.core.windows.net`,
  };
}

function fieldsOf(connectionString: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const equals = part.indexOf("=");
    if (equals <= 0) continue;
    // Keys and SAS tokens contain "=", so only the first one separates name from value.
    fields.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  if (fields.size === 0) throw new InvalidArgumentError("The connection string is empty");
  return fields;
}

function defaultEndpoint(fields: Map<string, string>): string | undefined {
  const account = fields.get("accountname");
  if (!account) return undefined;
  const protocol = fields.get("defaultendpointsprotocol") ?? "https";
  const suffix = fields.get("endpointsuffix") ?? "core.windows.net";
  return `${protocol}://${account}.blob.${suffix}`;
}

/** `https://acct.blob.core.windows.net` names its account in the host name. */
function accountFromEndpoint(endpoint?: string): string | undefined {
  if (!endpoint) return undefined;
  const host = new URL(endpoint).hostname;
  return /^[a-z0-9]+\.blob\./.test(host) ? host.split(".")[0] : undefined;
}
