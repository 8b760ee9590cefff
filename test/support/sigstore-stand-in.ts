// A local Fulcio and Rekor on 127.0.0.1, real HTTP servers around @sigstore/mock's handlers.
//
// Fulcio (`POST /api/v2/signingCert`) issues a certificate from its own CA for the key in the
// request, with the token's `sub` as the URI SAN; it decodes the JWT without checking its
// signature, so any well-formed JWT is accepted, and a malformed one is answered 400. Rekor
// (`POST /api/v1/log/entries`) records the proposed entry in a one-entry log and answers with
// its canonicalized body, a signed entry timestamp and an inclusion proof with a checkpoint.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
} from "@sigstore/mock";

export interface SigstoreStandIn {
  fulcioURL: string;
  rekorURL: string;
  /** The stand-in Fulcio's root certificate (DER): the issuer of every leaf it signs. */
  fulcioRoot: Buffer;
  /** The key the stand-in Rekor signs entry timestamps and checkpoints with. */
  rekorKey: KeyObject;
  /** Requests each service received, by path. */
  received: { fulcio: string[]; rekor: string[] };
  close(): Promise<void>;
}

const newKeyPair = () => generateKeyPairSync("ec", { namedCurve: "P-256" });

export async function startSigstoreStandIn(): Promise<SigstoreStandIn> {
  const received: SigstoreStandIn["received"] = { fulcio: [], rekor: [] };

  const ca = await initializeCA(newKeyPair(), await initializeCTLog(newKeyPair()));
  const fulcio = fulcioHandler(ca, { strict: true });
  const fulcioServer = await listen(fulcio.path, fulcio.fn, received.fulcio);
  const fulcioURL = urlOf(fulcioServer);

  // The log names itself by host in its checkpoints, so it is made once its port is known.
  const rekorKeys = newKeyPair();
  let handleRekor: HandlerFn | undefined;
  const rekorServer = await listen(
    "/api/v1/log/entries",
    (body) => {
      if (handleRekor === undefined) throw new Error("the stand-in Rekor is not ready");
      return handleRekor(body);
    },
    received.rekor,
  );
  const rekorURL = urlOf(rekorServer);
  handleRekor = rekorHandler(await initializeTLog(rekorURL, rekorKeys), { strict: true }).fn;

  return {
    fulcioURL,
    rekorURL,
    fulcioRoot: Buffer.from(
      ca.rootCertificate.buffer,
      ca.rootCertificate.byteOffset,
      ca.rootCertificate.byteLength,
    ),
    rekorKey: rekorKeys.publicKey,
    received,
    close: async () => {
      await Promise.all([stop(fulcioServer), stop(rekorServer)]);
    },
  };
}

async function listen(path: string, handle: HandlerFn, log: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      log.push(`${req.method} ${req.url}`);
      if (req.method !== "POST" || req.url !== path) {
        res.writeHead(404).end();
        return;
      }
      handle(Buffer.concat(chunks).toString("utf8")).then(
        ({ statusCode, response, contentType }) => {
          res.writeHead(statusCode, { "content-type": contentType ?? "text/plain" });
          res.end(response);
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
