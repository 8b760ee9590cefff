// Prototypes of faster and leaner ways to do what src/ does with a big file, measured against
// src/ by bench/profile.ts. They are evidence for proposed changes, not code pypush runs.

import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { createBLAKE2b } from "hash-wasm";

const CHUNK = 1024 * 1024;

/**
 * Reads a file front to back through two buffers allocated once: while `consume` works on one
 * chunk, the next read fills the other. `consume` must be done with a chunk when it returns.
 */
export async function eachChunkReusingBuffers(
  handle: FileHandle,
  consume: (chunk: Buffer) => void,
): Promise<number> {
  let current = Buffer.allocUnsafe(CHUNK);
  let next = Buffer.allocUnsafe(CHUNK);
  let total = 0;
  let pending = handle.read(current, 0, CHUNK, 0);
  for (;;) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) return total;
    total += bytesRead;
    pending = handle.read(next, 0, CHUNK, total);
    consume(current.subarray(0, bytesRead));
    [current, next] = [next, current];
  }
}

/** sha256 and BLAKE2b-256 in one pass on one thread, without a new buffer per chunk. */
export async function digestsReusingBuffers(path: string) {
  const sha256 = createHash("sha256");
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  const handle = await open(path);
  try {
    await eachChunkReusingBuffers(handle, (chunk) => {
      sha256.update(chunk);
      blake2.update(chunk);
    });
  } finally {
    await handle.close();
  }
  return { sha256: sha256.digest("hex"), blake2_256: blake2.digest("hex") };
}

// The worker reads the file on its own (from the page cache, on the second core) and hashes it
// with BLAKE2b-256; CommonJS source, so it runs under plain node whatever loader the parent has.
const BLAKE2B_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { open } = require("node:fs/promises");
const { createBLAKE2b } = require(workerData.hashWasm);
(async () => {
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  const handle = await open(workerData.path);
  const size = ${CHUNK};
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let which = 0, total = 0;
  let pending = handle.read(buffers[0], 0, size, 0);
  for (;;) {
    const { bytesRead, buffer } = await pending;
    if (bytesRead === 0) break;
    total += bytesRead;
    which ^= 1;
    pending = handle.read(buffers[which], 0, size, total);
    blake2.update(buffer.subarray(0, bytesRead));
  }
  await handle.close();
  parentPort.postMessage(blake2.digest("hex"));
})().catch((error) => { throw error; });
`;

/** BLAKE2b-256 in a worker thread while the main thread computes sha256: two cores, two reads. */
export async function digestsWithWorker(path: string) {
  const hashWasm = createRequire(import.meta.url).resolve("hash-wasm");
  const worker = new Worker(BLAKE2B_WORKER, { eval: true, workerData: { path, hashWasm } });
  const blake2 = new Promise<string>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const sha256 = createHash("sha256");
  const handle = await open(path);
  try {
    await eachChunkReusingBuffers(handle, (chunk) => sha256.update(chunk));
  } finally {
    await handle.close();
  }
  const result = { sha256: sha256.digest("hex"), blake2_256: await blake2 };
  await worker.terminate();
  return result;
}

/**
 * The multipart POST with node:http, re-filling each of two buffers only after the socket
 * reported the previous write of it done (the write callback): no buffer per chunk, so memory
 * stays at two chunks. undici gives no such signal for a body chunk, so it cannot reuse them.
 */
export async function postReusingBuffers(
  url: string,
  path: string,
  size: number,
  head: Buffer,
  tail: Buffer,
  headers: Record<string, string>,
): Promise<number> {
  const handle = await open(path);
  try {
    return await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers }, (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
      });
      req.once("error", reject);
      const write = (chunk: Buffer) =>
        new Promise<void>((done, failed) =>
          req.write(chunk, (error) => (error ? failed(error) : done())),
        );
      const send = async () => {
        await write(head);
        const slots = [0, 1].map(() => ({
          buffer: Buffer.allocUnsafe(CHUNK),
          written: Promise.resolve(),
        }));
        let total = 0;
        for (let which = 0; total < size; which ^= 1) {
          const slot = slots[which] as (typeof slots)[number];
          await slot.written;
          const { bytesRead } = await handle.read(slot.buffer, 0, CHUNK, total);
          if (bytesRead === 0) break;
          total += bytesRead;
          slot.written = write(slot.buffer.subarray(0, bytesRead));
        }
        await Promise.all(slots.map((slot) => slot.written));
        req.end(tail);
      };
      send().catch((error: unknown) => {
        req.destroy(error as Error);
        reject(error);
      });
    });
  } finally {
    await handle.close();
  }
}
