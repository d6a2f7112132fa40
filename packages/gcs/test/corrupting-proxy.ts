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
  /** How many bodies were damaged so far. */
  damaged(): number;
  close(): Promise<void>;
}

/**
 * Forwards every request to `target`, replacing MARKER in upload bodies and in downloaded
 * bytes. Resumable-upload
 * session URLs in Location headers are pointed back at the proxy, so that the chunks sent
 * to them pass through it too.
 */
export async function startCorruptingProxy(target: string): Promise<CorruptingProxy> {
  let damaged = 0;
  const damage = (body: Buffer): void => {
    const index = body.indexOf(MARKER);
    if (index < 0) return;
    DAMAGED.copy(body, index);
    damaged++;
  };

  const server = createServer((incoming, outgoing) => void forward(incoming, outgoing));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = incoming.url ?? "/";
    const body = await readBody(incoming);
    if (url.includes("upload")) damage(body);

    const headers = { ...incoming.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    const upstream = request(`${target}${url}`, { method: incoming.method, headers });
    upstream.on("response", (response) => void answer(url, response, outgoing));
    upstream.on("error", () => outgoing.destroy());
    upstream.end(body);
  }

  /** Relays an answer; media downloads (`alt=media`) are damaged on the way back. */
  async function answer(url: string, response: IncomingMessage, outgoing: ServerResponse) {
    const body = await readBody(response);
    if (url.includes("alt=media")) damage(body);

    const headers = { ...response.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    if (headers.location) headers.location = headers.location.replace(target, endpoint);
    outgoing.writeHead(response.statusCode ?? 502, headers);
    outgoing.end(body);
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
