// Reads an upload's multipart/form-data body with busboy. The `content` file part is streamed:
// hashed (sha256, BLAKE2b-256, md5) and written to a temp file chunk by chunk, never held in
// memory, so multi-GiB uploads cost nothing but disk (or not even that with discardContent).
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { unlink } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { createBLAKE2b } from "hash-wasm";

/** Non-file fields larger than this are cut short and reported in `truncatedFields`. */
export const FIELD_SIZE_LIMIT = 10 * 1024 * 1024;

export interface ReceivedFile {
  /** The filename parameter of the part, exactly as sent (paths are kept, not stripped). */
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  blake2_256: string;
  md5: string;
  /** Where the bytes were written; absent with discardContent. */
  path?: string;
}

export interface UploadForm {
  /** Every non-file field, in order. */
  fields: [string, string][];
  /** The first file part named `content`. */
  file?: ReceivedFile;
  /** Names of other file parts (for instance a `gpg_signature` sent as a file); their bytes are dropped. */
  otherFileParts: string[];
  /** Fields whose value exceeded FIELD_SIZE_LIMIT. */
  truncatedFields: string[];
}

export class MalformedBodyError extends Error {
  constructor(readonly reason: string) {
    super(`malformed multipart body: ${reason}`);
    this.name = "MalformedBodyError";
  }
}

export class ClientAbortedError extends Error {
  constructor() {
    super("the client closed the connection before the body ended");
    this.name = "ClientAbortedError";
  }
}

export function isMultipart(contentType: string | undefined): boolean {
  return /^multipart\/form-data\s*;/i.test(contentType ?? "");
}

export function firstField(fields: [string, string][], name: string): string | undefined {
  return fields.find(([key]) => key === name)?.[1];
}

export interface ReadOptions {
  /** Directory for the received file; ignored with discardContent. */
  dir: string;
  discardContent: boolean;
  /** Unique stem for the temp file name. */
  stem: string;
}

/** Parses the whole body. Rejects with MalformedBodyError or ClientAbortedError. */
export async function readUploadForm(
  req: IncomingMessage,
  options: ReadOptions,
): Promise<UploadForm> {
  const form: UploadForm = { fields: [], otherFileParts: [], truncatedFields: [] };
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      defParamCharset: "utf8",
      limits: { fieldSize: FIELD_SIZE_LIMIT, fileSize: Number.POSITIVE_INFINITY },
    });
  } catch (error) {
    throw new MalformedBodyError((error as Error).message);
  }

  let fileFailure: Error | undefined;
  const filesDone: Promise<void>[] = [];

  parser.on("field", (name, value, info) => {
    if (info.valueTruncated) form.truncatedFields.push(name);
    form.fields.push([name, value]);
  });
  parser.on("file", (name, stream, info) => {
    if (name !== "content" || form.file !== undefined || filesDone.length > 0) {
      form.otherFileParts.push(name);
      stream.resume();
      return;
    }
    const safeName = (info.filename ?? "").replace(/[^A-Za-z0-9._+-]/g, "_");
    const path = options.discardContent
      ? undefined
      : join(options.dir, `${options.stem}-${safeName || "content"}`);
    filesDone.push(
      receiveFile(stream, path).then(
        (digests) => {
          form.file = {
            filename: info.filename ?? "",
            mimeType: info.mimeType,
            ...digests,
            ...(path ? { path } : {}),
          };
        },
        (error: Error) => {
          fileFailure ??= error;
          if (path) unlink(path).catch(() => {});
        },
      ),
    );
  });

  await new Promise<void>((resolve, reject) => {
    parser.on("close", resolve);
    parser.on("error", (error: Error) => reject(new MalformedBodyError(error.message)));
    req.on("close", () => {
      if (!req.complete) {
        parser.destroy();
        reject(new ClientAbortedError());
      }
    });
    req.pipe(parser);
  });
  await Promise.all(filesDone);
  if (fileFailure) {
    if (form.file?.path) await unlink(form.file.path).catch(() => {});
    throw fileFailure;
  }
  return form;
}

async function receiveFile(
  stream: NodeJS.ReadableStream,
  path: string | undefined,
): Promise<Omit<ReceivedFile, "filename" | "mimeType" | "path">> {
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  // BLAKE2b with a 32-byte digest, as Warehouse's `hashlib.blake2b(digest_size=32)`. Node's
  // crypto only offers blake2b512, a different function (not a prefix of this one).
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      sha256.update(chunk);
      md5.update(chunk);
      blake2.update(chunk);
      callback(null, chunk);
    },
  });
  const sink = path
    ? createWriteStream(path)
    : new Writable({
        write(_chunk, _encoding, callback) {
          callback();
        },
      });
  await pipeline(stream, hashing, sink);
  return {
    size,
    sha256: sha256.digest("hex"),
    blake2_256: blake2.digest("hex"),
    md5: md5.digest("hex"),
  };
}

/** Reads and drops a body (for answers that do not look at it). Never rejects. */
export function drainBody(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.complete) return resolve();
    req.on("end", resolve);
    req.on("close", resolve);
    req.on("error", () => resolve());
    req.resume();
  });
}
