// Reads a wheel's `{name}-{version}.dist-info/METADATA` with yauzl, without unpacking anything else.
import yauzl, { type Entry, type ZipFile } from "yauzl";
import {
  COMPRESSION_RATIO_MIN_BYTES,
  MAX_COMPRESSION_RATIO,
  MAX_METADATA_BYTES,
} from "./limits.ts";

export type ArchiveRead = { ok: true; metadata: Buffer } | { ok: false; problems: string[] };

/**
 * Finds and reads the one top-level `*.dist-info/METADATA` of a wheel, after the checks Warehouse
 * makes of the archive: a `.dist-info` with METADATA, WHEEL and RECORD, no zip bomb.
 */
export async function readWheelMetadata(path: string, fileSize: number): Promise<ArchiveRead> {
  let zip: ZipFile;
  try {
    zip = await openZip(path);
  } catch (error) {
    return { ok: false, problems: [`not a valid zip archive (${describe(error)})`] };
  }
  try {
    const entries = await listEntries(zip);
    const problems: string[] = [];
    const inflated = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    if (inflated > COMPRESSION_RATIO_MIN_BYTES && inflated > fileSize * MAX_COMPRESSION_RATIO) {
      problems.push(
        `the archive inflates to ${inflated} bytes, over ${MAX_COMPRESSION_RATIO} times its size: a likely zip bomb (PyPI refuses it: "File exceeds compression ratio of ${MAX_COMPRESSION_RATIO}")`,
      );
    }
    const distInfoDirs = new Set(
      entries
        .map((entry) => entry.fileName.split("/")[0] as string)
        .filter((top) => top.endsWith(".dist-info")),
    );
    const metadataEntries = entries.filter((entry) =>
      /^[^/]+\.dist-info\/METADATA$/.test(entry.fileName),
    );
    if (distInfoDirs.size > 1) {
      problems.push(
        `wheel has ${distInfoDirs.size} .dist-info directories (${[...distInfoDirs].join(", ")}); a wheel has exactly one`,
      );
    }
    const metadataEntry = metadataEntries[0];
    if (metadataEntry === undefined) {
      problems.push("wheel has no *.dist-info/METADATA file");
      return { ok: false, problems };
    }
    const distInfo = metadataEntry.fileName.slice(0, -"/METADATA".length);
    for (const required of ["WHEEL", "RECORD"]) {
      if (!entries.some((entry) => entry.fileName === `${distInfo}/${required}`)) {
        problems.push(`wheel has no ${distInfo}/${required} file (PyPI requires it)`);
      }
    }
    if (metadataEntry.uncompressedSize > MAX_METADATA_BYTES) {
      problems.push(
        `${metadataEntry.fileName} is ${metadataEntry.uncompressedSize} bytes, over the ${MAX_METADATA_BYTES}-byte limit for metadata`,
      );
    }
    if (problems.length > 0) return { ok: false, problems };
    const metadata = await readEntry(zip, metadataEntry);
    return { ok: true, metadata };
  } catch (error) {
    return { ok: false, problems: [`corrupt zip archive (${describe(error)})`] };
  } finally {
    zip.close();
  }
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function listEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on("entry", (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", reject);
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        // yauzl checks the declared size too; this guards against a lying header regardless.
        if (size > MAX_METADATA_BYTES) {
          stream.destroy(new Error(`${entry.fileName} inflates past ${MAX_METADATA_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.once("end", () => resolve(Buffer.concat(chunks)));
      stream.once("error", reject);
    });
  });
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
