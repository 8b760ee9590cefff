// The multipart/form-data body, streamed from disk with its length known before the first byte:
// registries and the proxies in front of them refuse chunked uploads.
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import type { FormField } from "./form.ts";

export interface MultipartBody {
  contentType: string;
  length: number;
  /** A fresh stream of the body each call (a retry re-reads the file). */
  open(onProgress?: (sentFileBytes: number) => void): AsyncIterable<Buffer>;
}

const CRLF = "\r\n";
const CHUNK_BYTES = 1024 * 1024;

export function buildMultipartBody(
  fields: readonly FormField[],
  file: { path: string; filename: string; size: number },
): MultipartBody {
  const boundary = `pypush-${randomBytes(16).toString("hex")}`;
  const head = Buffer.from(
    fields
      .map(
        ([name, value]) =>
          `--${boundary}${CRLF}Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}${value}${CRLF}`,
      )
      .join("") +
      `--${boundary}${CRLF}Content-Disposition: form-data; name="content"; filename="${file.filename}"${CRLF}` +
      `Content-Type: application/octet-stream${CRLF}${CRLF}`,
    "utf8",
  );
  const tail = Buffer.from(`${CRLF}--${boundary}--${CRLF}`, "utf8");
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + file.size + tail.length,
    async *open(onProgress) {
      yield head;
      // Two buffers, reused: undici asks for the next chunk only once socket.write() returned
      // true or the socket drained. A chunk larger than the socket's write buffer limit (16 KiB)
      // makes write() return true only when the kernel took it all, so the buffer being refilled
      // is never still queued; CHUNK_BYTES must stay far above that limit. The registries'
      // digest checks in the tests would catch a corrupted body. Nothing is allocated per chunk.
      // A small file gets buffers its size (plus one byte to see the end), not whole chunks.
      const bytes = Math.min(CHUNK_BYTES, file.size + 1);
      const buffers = [Buffer.allocUnsafe(bytes), Buffer.allocUnsafe(bytes)];
      const handle = await open(file.path, "r");
      let sent = 0;
      try {
        for (let turn = 0; ; turn++) {
          const buffer = buffers[turn % 2] as Buffer;
          const { bytesRead } = await handle.read(buffer, 0, bytes, null);
          if (bytesRead === 0) break;
          sent += bytesRead;
          if (sent > file.size) break;
          onProgress?.(sent);
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
      if (sent !== file.size) {
        throw new FileChangedError(file.path, file.size, sent);
      }
      yield tail;
    },
  };
}

/** The file changed size between inspection and upload: what was checked is not what would be sent. */
export class FileChangedError extends Error {
  constructor(
    readonly path: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `${path} changed while uploading (was ${expected} bytes, read ${actual}); nothing more is sent for it`,
    );
    this.name = "FileChangedError";
  }
}
