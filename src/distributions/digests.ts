// One read of the file feeds every digest: sha256 (Node), BLAKE2b-256 (hash-wasm: Node's crypto
// only has blake2b512, a different function, not a prefix) and, when asked, md5.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createBLAKE2b } from "hash-wasm";
import type { Digests } from "./distribution.ts";

export async function computeDigests(path: string, withMd5: boolean): Promise<Digests> {
  const sha256 = createHash("sha256");
  const md5 = withMd5 ? createHash("md5") : undefined;
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    sha256.update(chunk as Buffer);
    blake2.update(chunk as Buffer);
    md5?.update(chunk as Buffer);
  }
  return {
    sha256: sha256.digest("hex"),
    blake2_256: blake2.digest("hex"),
    md5: md5?.digest("hex"),
  };
}
