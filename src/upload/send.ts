// One HTTP exchange with undici: the streamed multipart POST with explicit timeouts, and simple
// GETs for the index. Redirects are never followed (undici's request does not follow them).
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { rootCertificates } from "node:tls";
import { type Dispatcher, EnvHttpProxyAgent, request, errors as undiciErrors } from "undici";
import { UsageError } from "../errors.ts";
import { FileChangedError, type MultipartBody } from "./body.ts";
import type { HttpAnswer } from "./outcome.ts";

/** Largest part of an answer body kept for messages; the rest is read and dropped. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface Transport {
  dispatcher: Dispatcher;
  timeoutMs: number;
  userAgent: string;
}

/**
 * One connection pool for the whole run (keep-alive), honouring HTTP(S)_PROXY and NO_PROXY.
 * Extra CA files are added to Node's roots; giving `ca` replaces the default store, so the files
 * of NODE_EXTRA_CA_CERTS are added back by hand.
 */
export function createTransport(options: {
  timeoutMs: number;
  userAgent: string;
  caCertFiles: readonly string[];
}): Transport {
  const ca =
    options.caCertFiles.length > 0
      ? [
          ...rootCertificates,
          ...[...options.caCertFiles, process.env.NODE_EXTRA_CA_CERTS]
            .filter((file): file is string => !!file)
            .map(readCertificates),
        ]
      : undefined;
  const dispatcher = new EnvHttpProxyAgent({
    connect: { timeout: options.timeoutMs, ...(ca ? { ca } : {}) },
    // Through a proxy, undici makes the registry's TLS connection inside the tunnel with
    // `requestTls` and the proxy's own with `proxyTls`: both must trust the extra CAs.
    ...(ca ? { requestTls: { ca }, proxyTls: { ca } } : {}),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  return { dispatcher, timeoutMs: options.timeoutMs, userAgent: options.userAgent };
}

function readCertificates(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read the CA certificate file ${file}: ${(error as Error).message}`,
      "give a PEM file with the certificate(s) of the CA that signed the registry's certificate",
    );
  }
}

export type SendResult =
  | { ok: true; answer: HttpAnswer }
  | {
      ok: false;
      message: string;
      bodySent: boolean;
      /** Set when retrying cannot help (a certificate the client does not trust): the hint. */
      permanent?: string;
    };

export async function postMultipart(
  transport: Transport,
  url: URL,
  body: MultipartBody,
  authorization: string | undefined,
  onProgress?: (sent: number) => void,
): Promise<SendResult> {
  const abort = new AbortController();
  let bodySent = false;
  // undici has no write timeout: a registry that stops reading would hang the upload. This
  // watchdog aborts when the body makes no progress for the timeout.
  // One timer, restarted with refresh() on every chunk: nothing is allocated per chunk.
  const watchdog = setTimeout(
    () =>
      abort.abort(
        new Error(`no progress sending the body for ${transport.timeoutMs / 1000} s (stalled)`),
      ),
    transport.timeoutMs,
  );
  async function* watched() {
    watchdog.refresh();
    for await (const chunk of body.open(onProgress)) {
      yield chunk;
      watchdog.refresh();
    }
    clearTimeout(watchdog);
    bodySent = true;
  }
  const headers: Record<string, string> = {
    "content-type": body.contentType,
    "content-length": String(body.length),
    accept: "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7",
    "user-agent": transport.userAgent,
  };
  if (authorization) headers.authorization = authorization;
  try {
    const response = await request(url, {
      method: "POST",
      headers,
      // An async iterable, not a Readable: undici pulls one chunk at a time (no read-ahead),
      // which body.ts's reused buffers rely on.
      body: watched() as unknown as Readable,
      dispatcher: transport.dispatcher,
      signal: abort.signal,
    });
    return { ok: true, answer: await readAnswer(response) };
  } catch (error) {
    const permanent = certificateHint(error) ?? fileChangedHint(error);
    return {
      ok: false,
      message: describeNetworkError(error, abort.signal),
      bodySent,
      ...(permanent ? { permanent } : {}),
    };
  } finally {
    clearTimeout(watchdog);
  }
}

export async function get(
  transport: Transport,
  url: URL,
  headers: Record<string, string>,
): Promise<SendResult> {
  try {
    const response = await request(url, {
      method: "GET",
      headers: { "user-agent": transport.userAgent, ...headers },
      dispatcher: transport.dispatcher,
    });
    return { ok: true, answer: await readAnswer(response) };
  } catch (error) {
    return { ok: false, message: describeNetworkError(error, undefined), bodySent: false };
  }
}

async function readAnswer(response: Dispatcher.ResponseData): Promise<HttpAnswer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of response.body) {
    if (kept < MAX_ANSWER_BYTES) {
      chunks.push(chunk as Buffer);
      kept += (chunk as Buffer).length;
    }
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString("utf8"),
  };
}

function describeNetworkError(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted && signal.reason instanceof Error) return signal.reason.message;
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return "no answer from the registry within the timeout";
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return "the registry stopped sending its answer (timeout)";
  }
  if (error instanceof undiciErrors.ConnectTimeoutError)
    return "could not connect within the timeout";
  const err = error as {
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function fileChangedHint(error: unknown): string | undefined {
  const changed = [error, (error as { cause?: unknown }).cause].some(
    (item) => item instanceof FileChangedError,
  );
  return changed
    ? "the file changed after it was inspected (a build still writing to dist/?): run pypush again once the build is done"
    : undefined;
}

// TLS verification failures: retrying cannot fix them, and the fix is a CA to trust.
const CERTIFICATE_ERRORS = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function certificateHint(error: unknown): string | undefined {
  const err = error as { code?: string; cause?: { code?: string } };
  const code = err.cause?.code ?? err.code;
  if (code === undefined || !CERTIFICATE_ERRORS.has(code)) return undefined;
  if (code === "CERT_HAS_EXPIRED")
    return "the registry's certificate has expired: its operator must renew it";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return "the certificate is for another host name: use the host name the certificate names";
  }
  return "the registry's certificate is not signed by a CA this machine trusts: give that CA with --ca-cert (the action's ca-cert input), SSL_CERT_FILE or NODE_EXTRA_CA_CERTS";
}

/** An answer body read as a JSON object; {} when it is not one (an HTML page from a proxy, say). */
export function jsonObject(body: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
