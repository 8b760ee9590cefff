// Reads an sdist's `{name}-{version}/PKG-INFO` by streaming the .tar.gz through node-tar's parser:
// the archive is never unpacked and memory stays flat whatever its size.
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { MAX_METADATA_BYTES, MAX_TAR_ENTRIES } from "./limits.ts";
import { type ArchiveRead, describe } from "./wheel.ts";

export async function readSdistMetadata(path: string): Promise<ArchiveRead> {
  if (!(await startsWithGzipMagic(path))) {
    return { ok: false, problems: ["not gzip-compressed: an sdist must be a .tar.gz archive"] };
  }
  const topDirs = new Set<string>();
  const pkgInfos: { path: string; data: Buffer }[] = [];
  const problems: string[] = [];
  let entries = 0;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      entries++;
      const entryPath = entry.path.replace(/^\.\//, "");
      const top = entryPath.split("/")[0];
      if (top) topDirs.add(top);
      if (/^[^/]+\/PKG-INFO$/.test(entryPath) && entry.type === "File") {
        if (entry.size > MAX_METADATA_BYTES) {
          problems.push(
            `${entryPath} is ${entry.size} bytes, over the ${MAX_METADATA_BYTES}-byte limit for metadata`,
          );
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on("data", (chunk: Buffer) => chunks.push(chunk));
        entry.on("end", () => pkgInfos.push({ path: entryPath, data: Buffer.concat(chunks) }));
        return;
      }
      entry.resume();
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), parser);
  } catch (error) {
    return { ok: false, problems: [`corrupt or truncated .tar.gz (${describe(error)})`] };
  }
  if (entries === 0) return { ok: false, problems: ["the archive holds no files"] };
  if (entries > MAX_TAR_ENTRIES) {
    problems.push(`the archive holds ${entries} entries, over the ${MAX_TAR_ENTRIES} limit`);
  }
  if (topDirs.size !== 1) {
    problems.push(
      `an sdist has exactly one top-level directory; this one has ${topDirs.size} (${[...topDirs].slice(0, 5).join(", ")})`,
    );
  }
  const top = [...topDirs][0];
  const pkgInfo = pkgInfos.find((item) => item.path === `${top}/PKG-INFO`);
  if (pkgInfos.length > 1) {
    problems.push(`found ${pkgInfos.length} top-level PKG-INFO files; an sdist has exactly one`);
  } else if (pkgInfo === undefined && problems.length === 0) {
    problems.push(`no PKG-INFO in the top-level directory ${top}/`);
  }
  if (problems.length > 0 || pkgInfo === undefined) return { ok: false, problems };
  return { ok: true, metadata: pkgInfo.data };
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
