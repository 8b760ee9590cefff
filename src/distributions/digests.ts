// One read of the file feeds every digest: sha256 (Node), BLAKE2b-256 (hash-wasm: Node's crypto
// only has blake2b512, a different function, not a prefix) and, when asked, md5. The file is read
// into one reused buffer: hashing a 4 GiB file allocates nothing per chunk, so memory stays flat.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { createBLAKE2b } from "hash-wasm";
import type { Digests } from "./distribution.ts";

const CHUNK_BYTES = 1024 * 1024;

export async function computeDigests(path: string, withMd5: boolean): Promise<Digests> {
  const sha256 = createHash("sha256");
  const md5 = withMd5 ? createHash("md5") : undefined;
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const file = await open(path, "r");
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      sha256.update(chunk);
      blake2.update(chunk);
      md5?.update(chunk);
    }
  } finally {
    await file.close();
  }
  return {
    sha256: sha256.digest("hex"),
    blake2_256: blake2.digest("hex"),
    md5: md5?.digest("hex"),
  };
}
