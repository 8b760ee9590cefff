// The sink for the big-file cases: reads every byte of an upload and checks its framing, and
// nothing more. The test registry (test/registry) hashes every file it receives (sha256, md5 and
// BLAKE2b-256, even with --discard-content): measured on the 2-core bench machine, curl needs
// 4.0-4.5 s to send it 1 GiB against 0.5 s to this sink, so with it the registry, not the client,
// would set the time of every tool. Here no digest is computed and no multipart parser runs.
//   node --import tsx bench/sink.ts [--port N]
// Prints the upload URL on the first line of stdout, then serves until SIGINT or SIGTERM.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

/** Enough of the body's start to hold every form field and the file part's header. */
const HEAD_BYTES = 256 * 1024;

/** What is wrong with an upload body, or undefined when its framing is right. */
function framingProblem(
  contentType: string | undefined,
  declaredLength: number,
  receivedLength: number,
  head: Buffer,
  tail: Buffer,
): string | undefined {
  const boundary = /^multipart\/form-data;.*\bboundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
  if (boundary === undefined) return "not multipart/form-data with a boundary";
  if (!Number.isFinite(declaredLength)) return "no Content-Length";
  if (receivedLength !== declaredLength) {
    return `Content-Length says ${declaredLength} bytes, the body had ${receivedLength}`;
  }
  if (!head.toString("latin1").startsWith(`--${boundary}\r\n`)) return "no opening boundary";
  if (!/name="?content"?; filename="[^"]+"/.test(head.toString("latin1"))) {
    return "no file part named content";
  }
  const closing = `\r\n--${boundary}--`;
  if (!tail.toString("latin1").trimEnd().endsWith(closing)) return "no closing boundary";
  return undefined;
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "POST") {
    req.resume();
    req.on("end", () => answer(res, 404, "Not Found"));
    return;
  }
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  let received = 0;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  req.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES)]);
    tail = Buffer.concat([tail, chunk.subarray(-128)]).subarray(-128);
  });
  req.on("end", () => {
    const problem = framingProblem(req.headers["content-type"], declared, received, head, tail);
    if (problem) answer(res, 400, `malformed upload: ${problem}`);
    else answer(res, 200, "OK");
  });
}

const { values } = parseArgs({ options: { port: { type: "string" } } });
const server = createServer(handle);
// A 4 GiB upload can outlast Node's default 5-minute request timeout on a slow client.
server.requestTimeout = 0;
server.listen(Number(values.port ?? 0), "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`http://127.0.0.1:${port}/\n`);
});
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
