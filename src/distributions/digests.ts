// The digests of a file: sha256 and (for Artifactory) md5 with Node's crypto, BLAKE2b-256 with
// hash-wasm (Node's crypto only has blake2b512, a different function, not a prefix).
// BLAKE2b in WebAssembly is the slow one (1.75 s/GiB here against 0.6 s for sha256), so for a big
// file the crypto digests run on a worker thread, reading the file themselves, while this thread
// does BLAKE2b: both cores work and the wall time is BLAKE2b's alone. Each side reads into one
// reused buffer, so nothing is allocated per chunk and memory stays flat.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
// hash-wasm's per-algorithm build: its index bundles every algorithm's WebAssembly (212 KB).
import blake2b from "hash-wasm/dist/blake2b.umd.min.js";
import type { Digests } from "./distribution.ts";

const { createBLAKE2b } = blake2b;

const CHUNK_BYTES = 1024 * 1024;
/** Below this a worker's start-up (~30 ms) costs more than it saves. */
const WORKER_MIN_BYTES = 16 * 1024 * 1024;

export async function computeDigests(
  path: string,
  size: number,
  withMd5: boolean,
): Promise<Digests> {
  if (size < WORKER_MIN_BYTES) {
    const [crypto, blake2] = await Promise.all([
      cryptoDigests(path, size, withMd5),
      blake2Digest(path, size),
    ]);
    return { ...crypto, blake2_256: blake2 };
  }
  const [crypto, blake2] = await Promise.all([
    cryptoDigestsOnWorker(path, withMd5),
    blake2Digest(path, size),
  ]);
  return { ...crypto, blake2_256: blake2 };
}

async function forEachChunk(
  path: string,
  size: number,
  use: (chunk: Buffer) => void,
): Promise<void> {
  // A small file gets a buffer its size (plus one byte to see the end), not a whole chunk.
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size + 1));
  const file = await open(path, "r");
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      use(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}

async function blake2Digest(path: string, size: number): Promise<string> {
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  await forEachChunk(path, size, (chunk) => blake2.update(chunk));
  return blake2.digest("hex");
}

async function cryptoDigests(path: string, size: number, withMd5: boolean) {
  const sha256 = createHash("sha256");
  const md5 = withMd5 ? createHash("md5") : undefined;
  await forEachChunk(path, size, (chunk) => {
    sha256.update(chunk);
    md5?.update(chunk);
  });
  return { sha256: sha256.digest("hex"), md5: md5?.digest("hex") };
}

// The worker is a plain script of Node built-ins (no bundle, no dependency): the same loop as
// cryptoDigests, synchronous since the worker has nothing else to do.
const WORKER_SOURCE = `
const { createHash } = require("node:crypto");
const { openSync, readSync, closeSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const sha256 = createHash("sha256");
const md5 = workerData.withMd5 ? createHash("md5") : undefined;
const buffer = Buffer.allocUnsafe(${CHUNK_BYTES});
const fd = openSync(workerData.path, "r");
try {
  for (;;) {
    const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    sha256.update(chunk);
    if (md5) md5.update(chunk);
  }
} finally {
  closeSync(fd);
}
parentPort.postMessage({ sha256: sha256.digest("hex"), md5: md5 ? md5.digest("hex") : undefined });
`;

function cryptoDigestsOnWorker(
  path: string,
  withMd5: boolean,
): Promise<{ sha256: string; md5: string | undefined }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, withMd5 },
      resourceLimits: {
        maxYoungGenerationSizeMb: 1,
        maxOldGenerationSizeMb: 8,
        codeRangeSizeMb: 4,
      },
    });
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`the digest worker stopped with code ${code}`));
    });
  });
}
