// An incremental reader of HTTP/1.1 messages on a byte stream, for the fault proxy: it splits
// what it is fed into message heads, body payload (with its offset in the body) and framing
// (chunk sizes, trailers), so that a proxy can count requests and damage one response's
// body on a keep-alive connection without buffering whole messages.

/** A parsed start line and headers (names lower-cased). */
export interface Head {
  startLine: string;
  headers: Record<string, string>;
}

/** How a message's body is delimited. */
export type Framing = "none" | "chunked" | "until-close" | { length: number };

/** One piece of the stream, in order. Concatenating every piece's data gives the input. */
export type Piece =
  | { part: "head"; data: Buffer; head: Head }
  | { part: "body"; data: Buffer; offset: number }
  | { part: "frame"; data: Buffer }
  | { part: "end"; data: Buffer };

type State =
  | { name: "head" }
  | { name: "fixed"; left: number }
  | { name: "chunk-size" }
  | { name: "chunk-data"; left: number }
  | { name: "chunk-end" }
  | { name: "trailers" }
  | { name: "until-close" };

const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");
const EMPTY: Buffer = Buffer.alloc(0);

/**
 * Feeds bytes in, gets pieces out. `framing` decides, from each head, how its body ends
 * (a response's depends on the request's method, which only the caller knows).
 */
export class MessageReader {
  private buffer: Buffer = EMPTY;
  private state: State = { name: "head" };
  private offset = 0;

  constructor(private readonly framing: (head: Head) => Framing) {}

  push(chunk: Buffer): Piece[] {
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    const pieces: Piece[] = [];
    for (;;) {
      const next = this.step();
      if (next === undefined) return pieces;
      pieces.push(...next);
    }
  }

  /** The pieces of the next step, or undefined when more bytes are needed. */
  private step(): Piece[] | undefined {
    switch (this.state.name) {
      case "head":
        return this.readHead();
      case "fixed":
      case "chunk-data":
        return this.readPayload(this.state);
      case "until-close":
        return this.buffer.length > 0 ? [this.body(this.take(this.buffer.length))] : undefined;
      case "chunk-size":
        return this.readChunkSize();
      case "chunk-end":
        return this.readChunkEnd();
      case "trailers":
        return this.readTrailers();
    }
  }

  private readHead(): Piece[] | undefined {
    const at = this.buffer.indexOf(HEAD_END);
    if (at < 0) return undefined;

    const data = this.take(at + HEAD_END.length);
    const head = parseHead(data.toString("latin1"));
    const framing = this.framing(head);
    this.offset = 0;
    const pieces: Piece[] = [{ part: "head", data, head }];

    if (framing === "none" || (typeof framing === "object" && framing.length === 0)) {
      pieces.push({ part: "end", data: EMPTY });
    } else if (framing === "chunked") {
      this.state = { name: "chunk-size" };
    } else if (framing === "until-close") {
      this.state = { name: "until-close" };
    } else {
      this.state = { name: "fixed", left: framing.length };
    }
    return pieces;
  }

  private readPayload(state: { name: "fixed" | "chunk-data"; left: number }): Piece[] | undefined {
    if (this.buffer.length === 0) return undefined;

    const data = this.take(Math.min(state.left, this.buffer.length));
    state.left -= data.length;
    const pieces: Piece[] = [this.body(data)];
    if (state.left > 0) return pieces;

    if (state.name === "chunk-data") {
      this.state = { name: "chunk-end" };
    } else {
      this.state = { name: "head" };
      pieces.push({ part: "end", data: EMPTY });
    }
    return pieces;
  }

  private readChunkSize(): Piece[] | undefined {
    const at = this.buffer.indexOf(CRLF);
    if (at < 0) return undefined;

    const data = this.take(at + CRLF.length);
    const size = Number.parseInt(data.toString("latin1").split(";")[0]!.trim(), 16);
    if (!Number.isFinite(size)) throw new Error(`bad chunk size line ${JSON.stringify(`${data}`)}`);
    this.state = size === 0 ? { name: "trailers" } : { name: "chunk-data", left: size };
    return [{ part: "frame", data }];
  }

  private readChunkEnd(): Piece[] | undefined {
    if (this.buffer.length < CRLF.length) return undefined;
    this.state = { name: "chunk-size" };
    return [{ part: "frame", data: this.take(CRLF.length) }];
  }

  /** Trailer lines up to the empty line that ends a chunked message. */
  private readTrailers(): Piece[] | undefined {
    const at = this.buffer.indexOf(CRLF);
    if (at < 0) return undefined;

    const data = this.take(at + CRLF.length);
    if (at > 0) return [{ part: "frame", data }];
    this.state = { name: "head" };
    return [{ part: "end", data }];
  }

  private body(data: Buffer): Piece {
    const piece: Piece = { part: "body", data, offset: this.offset };
    this.offset += data.length;
    return piece;
  }

  private take(length: number): Buffer {
    const data = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return data;
  }
}

/** Parses a message head; header names are lower-cased, repeated ones joined by ", ". */
export function parseHead(text: string): Head {
  const [startLine = "", ...lines] = text.split("\r\n").filter((line) => line !== "");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { startLine, headers };
}

/** How a request's body is delimited: requests without a length have none. */
export function requestFraming(head: Head): Framing {
  if (/chunked/i.test(head.headers["transfer-encoding"] ?? "")) return "chunked";
  const length = head.headers["content-length"];
  return length === undefined ? "none" : { length: Number(length) };
}

/** How a response's body is delimited, given the method of the request it answers. */
export function responseFraming(head: Head, method: string): Framing {
  const status = statusOf(head);
  if (method === "HEAD" || status < 200 || status === 204 || status === 304) return "none";
  if (/chunked/i.test(head.headers["transfer-encoding"] ?? "")) return "chunked";
  const length = head.headers["content-length"];
  return length === undefined ? "until-close" : { length: Number(length) };
}

/** A response head's status code. */
export function statusOf(head: Head): number {
  return Number(head.startLine.split(" ")[1]);
}
