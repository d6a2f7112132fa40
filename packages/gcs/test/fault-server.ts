// A loopback HTTP server that answers every request with one status and a GCS-style JSON
// error, so the error mapper sees exactly what the Google library makes of such answers.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultServer {
  endpoint: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export async function startFaultServer(status: number, message: string): Promise<FaultServer> {
  let requests = 0;
  const server = createServer((incoming, outgoing) => {
    requests++;
    incoming.resume();
    const errors = [{ message, reason: "fault" }];
    const body = JSON.stringify({ error: { code: status, message, errors } });
    outgoing.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
    outgoing.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
