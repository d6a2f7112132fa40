// A loopback HTTP proxy in front of fake-gcs-server that cuts media downloads part-way, as a
// reset connection would, so that resumed downloads can be seen to continue correctly.
import { once } from "node:events";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CuttingProxy {
  endpoint: string;
  /** The media download requests seen so far (path and query). */
  downloads(): string[];
  /** The Range header of each of those requests ("" when absent). */
  ranges(): string[];
  close(): Promise<void>;
}

export interface CutPlan {
  /** How many downloads to cut; later ones pass whole. */
  cuts: number;
  /** Bytes sent before the cut. */
  after: number;
  /** Runs once the partial bytes are sent, before the connection is cut. */
  beforeCut?: () => Promise<void>;
}

/** Forwards every request to `target`; the first `plan.cuts` media downloads are cut. */
export async function startCuttingProxy(target: string, plan: CutPlan): Promise<CuttingProxy> {
  const downloads: string[] = [];
  const ranges: string[] = [];
  let cuts = plan.cuts;

  const server = createServer((incoming, outgoing) => void forward(incoming, outgoing));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");

  async function forward(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = incoming.url ?? "/";
    const media = url.includes("alt=media");
    if (media) {
      downloads.push(url);
      ranges.push(String(incoming.headers.range ?? ""));
    }

    const body = await readBody(incoming);
    const { method, headers } = incoming;
    const upstream = request(`${target}${url}`, { method, headers });
    upstream.on("error", () => outgoing.destroy());
    upstream.end(body);

    const [response] = (await once(upstream, "response")) as [IncomingMessage];
    outgoing.writeHead(response.statusCode ?? 502, response.headers);
    if (!media || cuts <= 0 || (response.statusCode ?? 500) >= 300) {
      response.pipe(outgoing);
      return;
    }

    cuts--;
    const whole = await readBody(response);
    outgoing.write(whole.subarray(0, plan.after));
    await plan.beforeCut?.();
    outgoing.destroy();
  }

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    downloads: () => [...downloads],
    ranges: () => [...ranges],
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
