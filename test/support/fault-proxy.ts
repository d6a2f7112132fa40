// A fault-injecting TCP proxy for the reliability tests: it listens on 127.0.0.1 (a free
// port), forwards every connection to a test server's loopback port, and damages chosen
// requests the way a bad network or a busy service would: a reset mid-body, a stall, a
// truncated or bit-flipped body, or a throttling answer in place of the server's.
//
// Why parse HTTP at all: SDKs keep connections alive and send many requests on one, so
// "the nth connection" says little about which request is hit. The proxy reads just enough
// of each direction (request line, headers, Content-Length or chunked framing; no
// pipelining, which no SDK here uses) to know where each request and response begins and
// where a response's body bytes are, and leaves the bytes themselves untouched otherwise.
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";

import {
  MessageReader,
  requestFraming,
  responseFraming,
  statusOf,
  type Head,
  type Piece,
} from "./fault-proxy-http.js";

/** What the proxy does to one request. Byte counts are of the response body's payload. */
export type Fault =
  /** Forward `afterBytes` body bytes (none of the response if omitted), then send a TCP RST. */
  | { kind: "reset"; afterBytes?: number }
  /** The same, but end the connection cleanly (FIN): a body shorter than announced. */
  | { kind: "truncate"; afterBytes?: number }
  /** The same, but then hold the connection open, sending nothing, until released. */
  | { kind: "stall"; afterBytes?: number }
  /** Forward the response with the body byte at `atByte` inverted. */
  | { kind: "flip"; atByte: number }
  /** Reset the connection without forwarding the request: the server never sees it. */
  | { kind: "drop" }
  /** Answer this instead of forwarding the request (then close the connection). */
  | { kind: "respond"; status: number; headers?: Record<string, string>; body?: string };

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  /** 0-based, in arrival order across all connections. */
  index: number;
  method: string;
  /** The request target: path and query. */
  target: string;
  headers: Record<string, string>;
  /** The fault applied to it, if any. */
  fault?: Fault;
}

/** Applies `fault` to the next `times` requests (default 1) that `match` accepts (default all). */
export interface FaultRule {
  match?: (request: ProxiedRequest) => boolean;
  fault: Fault;
  times?: number;
}

/** Throttling and unavailability answers as each provider sends them. */
export const busy = {
  /** A bare 503, as a load balancer in front of any service answers. */
  unavailable: (): Fault => ({ kind: "respond", status: 503, body: "Service Unavailable" }),
  /** S3's request-rate answer. */
  s3SlowDown: (): Fault => ({
    kind: "respond",
    status: 503,
    headers: { "content-type": "application/xml" },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>' +
      "<Message>Please reduce your request rate.</Message></Error>",
  }),
  /** Cloud Storage's rate-limit answer. */
  gcsTooManyRequests: (): Fault => ({
    kind: "respond",
    status: 429,
    headers: { "content-type": "application/json; charset=UTF-8" },
    body: JSON.stringify({
      error: {
        code: 429,
        message: "The rate of requests is too high.",
        errors: [{ reason: "rateLimitExceeded", message: "The rate of requests is too high." }],
      },
    }),
  }),
  /** Azure Storage's answer when an account or partition is over its limits. */
  azureServerBusy: (): Fault => ({
    kind: "respond",
    status: 503,
    headers: { "content-type": "application/xml", "x-ms-error-code": "ServerBusy" },
    body:
      '<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code>' +
      "<Message>The server is busy.</Message></Error>",
  }),
};

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:PORT`, to construct a driver with. */
  readonly endpoint: string;
  readonly port: number;
  /** Every request seen, in order. */
  readonly requests: readonly ProxiedRequest[];
  /** Adds a rule; rules are tried in the order added, and a spent rule is skipped. */
  inject(rule: FaultRule): void;
  /** Forgets every rule (and the request log). */
  reset(): void;
  /** Client connections open now. */
  openConnections(): number;
  /** Connections with a request whose response has not been relayed in full. */
  busyConnections(): number;
  /** Connections held by a stall fault. */
  stalledConnections(): number;
  /** Resets every stalled connection. */
  releaseStalled(): void;
  /** Polls until `condition` holds; rejects after `limitMs` saying what it waited for. */
  waitUntil(what: string, condition: () => boolean, limitMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of the server listening on 127.0.0.1:`targetPort`. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const rules: { rule: FaultRule; left: number }[] = [];
  const requests: ProxiedRequest[] = [];
  const relays = new Set<Relay>();

  const register = (head: Head): Fault | undefined => {
    const [method = "", target = ""] = head.startLine.split(" ");
    const { headers } = head;
    const request: ProxiedRequest = { index: requests.length, method, target, headers };
    requests.push(request);

    const entry = rules.find(({ rule, left }) => left > 0 && (rule.match?.(request) ?? true));
    if (!entry) return undefined;
    entry.left--;
    request.fault = entry.rule.fault;
    return entry.rule.fault;
  };

  const server = createServer((client) => {
    const relay = new Relay(client, connect(targetPort, "127.0.0.1"), register);
    relays.add(relay);
    client.once("close", () => relays.delete(relay));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;

  const count = (test: (relay: Relay) => boolean) => [...relays].filter(test).length;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject: (rule) => void rules.push({ rule, left: rule.times ?? 1 }),
    reset: () => {
      rules.length = 0;
      requests.length = 0;
    },
    openConnections: () => relays.size,
    busyConnections: () => count((relay) => relay.busy()),
    stalledConnections: () => count((relay) => relay.stalled),
    releaseStalled: () => {
      for (const relay of relays) if (relay.stalled) relay.kill();
    },
    waitUntil,
    close: async () => {
      for (const relay of relays) relay.kill();
      server.close();
      await once(server, "close");
    },
  };
}

/** Polls `condition` every 10 ms; a wait for an event, with a generous upper bound. */
async function waitUntil(what: string, condition: () => boolean, limitMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + limitMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await delay(10);
  }
}

type CutFault = Extract<Fault, { kind: "reset" | "truncate" | "stall" }>;

/** One client connection and its connection to the server. */
class Relay {
  stalled = false;
  private finished = false;
  private readonly requests = new MessageReader((head) => requestFraming(head));
  private readonly responses = new MessageReader((head) => this.answering(head));
  /** Requests forwarded whose responses have not begun. */
  private readonly waiting: { method: string; fault?: Fault }[] = [];
  /** The request whose response is being relayed. */
  private current?: { method: string; fault?: Fault };

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly register: (head: Head) => Fault | undefined,
  ) {
    client.on("data", (data: Buffer) => this.fromClient(data));
    upstream.on("data", (data: Buffer) => this.fromServer(data));
    client.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    // A stalled client must see nothing more, not even the server closing its side.
    upstream.on("error", () => this.stalled || client.destroy());
    upstream.on("end", () => this.stalled || client.end());
  }

  busy(): boolean {
    return !this.client.destroyed && (this.waiting.length > 0 || this.current !== undefined);
  }

  /** Resets both sides at once. */
  kill(): void {
    this.finished = true;
    if (!this.client.destroyed) this.client.resetAndDestroy();
    this.upstream.destroy();
  }

  private fromClient(data: Buffer): void {
    for (const piece of this.safely(this.requests, data)) {
      if (this.finished) return;
      if (piece.part === "head") {
        const fault = this.register(piece.head);
        if (fault && this.answerInstead(fault, piece.head)) return;
        this.waiting.push({ method: piece.head.startLine.split(" ")[0]!, fault });
      }
      forward(this.client, this.upstream, piece.data);
    }
  }

  private fromServer(data: Buffer): void {
    for (const piece of this.safely(this.responses, data)) {
      if (this.finished || this.stalled) return;
      this.relay(piece);
    }
  }

  /** Pieces of `data`; bytes that are not HTTP end the connection. */
  private safely(reader: MessageReader, data: Buffer): Piece[] {
    try {
      return reader.push(data);
    } catch {
      this.kill();
      return [];
    }
  }

  /** Picks the request a response head answers; a 1xx answer leaves it waiting. */
  private answering(head: Head) {
    const interim = statusOf(head) < 200;
    const request = interim ? this.waiting[0] : this.waiting.shift();
    if (!interim) this.current = request;
    return responseFraming(head, request?.method ?? "GET");
  }

  private relay(piece: Piece): void {
    const fault = this.current?.fault;
    if (piece.part === "head" && isCut(fault) && fault.afterBytes === undefined) {
      if (statusOf(piece.head) >= 200) return this.cut(fault);
    }
    if (piece.part === "body" && fault?.kind === "flip") {
      return forward(this.upstream, this.client, flipped(piece.data, fault.atByte - piece.offset));
    }
    if (piece.part === "body" && isCut(fault)) {
      const room = (fault.afterBytes ?? 0) - piece.offset;
      if (room < piece.data.length) {
        forward(this.upstream, this.client, piece.data.subarray(0, Math.max(0, room)));
        return this.cut(fault);
      }
    }

    forward(this.upstream, this.client, piece.data);
    if (piece.part === "end") this.current = undefined;
  }

  private cut(fault: CutFault): void {
    if (fault.kind === "stall") {
      this.stalled = true;
      this.upstream.pause();
      return;
    }

    this.finished = true;
    this.upstream.destroy();
    if (fault.kind === "reset") this.client.resetAndDestroy();
    else this.client.end();
  }

  /** Handles faults that replace forwarding; false when the request goes on to the server. */
  private answerInstead(fault: Fault, head: Head): boolean {
    if (fault.kind !== "drop" && fault.kind !== "respond") return false;

    this.finished = true;
    this.upstream.destroy();
    if (fault.kind === "drop") {
      this.client.resetAndDestroy();
      return true;
    }

    const isHead = head.startLine.startsWith("HEAD ");
    this.client.end(cannedResponse(fault, isHead));
    return true;
  }
}

function isCut(fault: Fault | undefined): fault is CutFault {
  return fault?.kind === "reset" || fault?.kind === "truncate" || fault?.kind === "stall";
}

/** A copy of `data` with the byte at `index` inverted, if it lies within it. */
function flipped(data: Buffer, index: number): Buffer {
  if (index < 0 || index >= data.length) return data;
  const copy = Buffer.from(data);
  copy[index] = copy[index]! ^ 0xff;
  return copy;
}

/** Writes with back-pressure: a full destination pauses the source until it drains. */
function forward(source: Socket, destination: Socket, data: Buffer): void {
  if (data.length === 0 || destination.destroyed) return;
  if (destination.write(data)) return;

  source.pause();
  destination.once("drain", () => source.resume());
}

function cannedResponse(fault: Extract<Fault, { kind: "respond" }>, isHead: boolean): Buffer {
  const body = Buffer.from(isHead ? "" : (fault.body ?? ""));
  const headers = {
    "content-type": "text/plain",
    ...fault.headers,
    "content-length": String(body.length),
    connection: "close",
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  const head = `HTTP/1.1 ${fault.status} Fault\r\n${lines.join("\r\n")}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}
