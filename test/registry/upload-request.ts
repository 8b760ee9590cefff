// A minimal legacy-API client for tests that talk to the test registry directly: builds the
// multipart body in memory (test files are small) and sends it with node:http(s), with a
// Content-Length unless chunked is asked for.
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { createBLAKE2b } from "hash-wasm";
import { basicAuthHeader } from "./auth.ts";
import type { Credentials } from "./types.ts";

export interface FilePart {
  filename: string;
  content: Uint8Array;
  contentType?: string;
}

export interface HttpResult {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  credentials?: Credentials;
  body?: Uint8Array;
  /** Send with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
  /** Abort (rejecting with code "ETIMEDOUT") when no answer came in this time. */
  timeoutMs?: number;
  /** Trust this certificate (HTTPS tests with a self-signed one). */
  ca?: string;
}

export interface Digests {
  sha256: string;
  blake2_256: string;
  md5: string;
}

export async function digestsOf(content: Uint8Array): Promise<Digests> {
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  blake2.update(content);
  return {
    sha256: createHash("sha256").update(content).digest("hex"),
    blake2_256: blake2.digest("hex"),
    md5: createHash("md5").update(content).digest("hex"),
  };
}

/** The fields twine sends for a distribution, with digests of `content`. Override at will. */
export async function distributionFields(
  name: string,
  version: string,
  filename: string,
  content: Uint8Array,
): Promise<[string, string][]> {
  const digests = await digestsOf(content);
  const sdist = filename.endsWith(".tar.gz") || filename.endsWith(".zip");
  return [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["name", name],
    ["version", version],
    ["filetype", sdist ? "sdist" : "bdist_wheel"],
    ["pyversion", sdist ? "source" : "py3"],
    ["metadata_version", "2.1"],
    ["summary", "A package for tests"],
    ["requires_python", ">=3.8"],
    ["sha256_digest", digests.sha256],
    ["blake2_256_digest", digests.blake2_256],
    ["md5_digest", digests.md5],
  ];
}

export function multipartBody(
  fields: [string, string][],
  file: FilePart | undefined,
): { body: Buffer; contentType: string } {
  const boundary = `----pypush-test-${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.contentType ?? "application/octet-stream"}\r\n\r\n`,
      ),
      Buffer.from(file.content),
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POSTs a legacy-API upload form. */
export function postForm(
  url: string,
  fields: [string, string][],
  file: FilePart | undefined,
  options: SendOptions = {},
): Promise<HttpResult> {
  const { body, contentType } = multipartBody(fields, file);
  return send(url, {
    ...options,
    method: "POST",
    body,
    headers: { "content-type": contentType, ...options.headers },
  });
}

export function send(url: string, options: SendOptions = {}): Promise<HttpResult> {
  const target = new URL(url);
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { ...options.headers };
  if (options.credentials) headers.authorization = basicAuthHeader(options.credentials);
  if (options.body && !options.chunked) headers["content-length"] = String(options.body.length);
  if (options.chunked) headers["transfer-encoding"] = "chunked";
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method ?? "GET",
        headers,
        agent: false,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? "",
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => {
        req.destroy(Object.assign(new Error("no answer in time"), { code: "ETIMEDOUT" }));
      });
    }
    req.end(options.body);
  });
}
