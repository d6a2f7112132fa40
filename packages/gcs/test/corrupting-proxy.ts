// A loopback HTTP proxy in front of fake-gcs-server that damages upload bodies on the way,
// so that the driver's checksum checks can be seen to catch what a faulty network would do.
import { once } from "node:events";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Bytes the proxy looks for in upload bodies, and what it turns them into (same length). */
export const MARKER = Buffer.from("corrupt-me");
const DAMAGED = Buffer.from("CORRUPT-ME");

export interface CorruptingProxy {
  endpoint: string;
  /** How many request bodies were damaged so far. */
  damaged(): number;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target`, replacing MARKER in upload bodies. Resumable-upload
 * session URLs in Location headers are pointed back at the proxy, so that the chunks sent
 * to them pass through it too.
 */
export async function startCorruptingProxy(target: string): Promise<CorruptingProxy> {
  let damaged = 0;
  const server = createServer((incoming, outgoing) => {
    void forward(incoming, outgoing).then((hit) => (damaged += hit ? 1 : 0));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");

  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  async function forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<boolean> {
    const body = await readBody(incoming);
    const index = incoming.url?.includes("upload") ? body.indexOf(MARKER) : -1;
    if (index >= 0) DAMAGED.copy(body, index);

    const headers = { ...incoming.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    const upstream = request(`${target}${incoming.url}`, { method: incoming.method, headers });
    upstream.on("response", (response) => {
      const headers = { ...response.headers };
      if (headers.location) headers.location = headers.location.replace(target, endpoint);
      outgoing.writeHead(response.statusCode ?? 502, headers);
      response.pipe(outgoing);
    });
    upstream.on("error", () => outgoing.destroy());
    upstream.end(body);
    return index >= 0;
  }

  return {
    endpoint,
    damaged: () => damaged,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
