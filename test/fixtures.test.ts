// Proves the fixture builders make what they promise, read back with the same libraries pypush
// uses (yauzl, node-tar) and, where it is installed, with Python's zipfile as a second opinion.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, before, describe, test } from "node:test";
import { crc32, createInflateRaw } from "node:zlib";
import fc from "fast-check";
import { list as listTar } from "tar";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { crc32OfZeros } from "./fixtures/crc32.ts";
import {
  metadataText,
  writeBigWheel,
  writeSdist,
  writeSparseFile,
  writeWheel,
} from "./fixtures/handmade.ts";
import {
  type Backend,
  type BuiltProject,
  buildProject,
  PYTHON,
  pythonToolsAvailable,
  RICH_README,
} from "./fixtures/python-builds.ts";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const BACKENDS: Backend[] = ["setuptools", "flit", "hatchling"];

// --- reading archives back --------------------------------------------------------------------

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zip) =>
      err ? reject(err) : resolve(zip),
    );
  });
}

function zipEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on("entry", (entry: Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once("end", () => resolve(entries));
    zip.once("error", reject);
    zip.readEntry();
  });
}

/** Streams an entry through `onChunk`; yauzl fails the stream if it inflates to another size. */
function streamEntry(zip: ZipFile, entry: Entry, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      stream.on("data", onChunk);
      stream.once("end", resolve);
      stream.once("error", reject);
    });
  });
}

async function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await streamEntry(zip, entry, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

/** Every entry of a wheel with its content (for small wheels only). */
async function readWheel(path: string): Promise<Map<string, Buffer>> {
  const zip = await openZip(path);
  try {
    const files = new Map<string, Buffer>();
    for (const [name, entry] of await zipEntries(zip)) files.set(name, await readEntry(zip, entry));
    return files;
  } finally {
    zip.close();
  }
}

/** Every entry of a tar (gzipped or not) with its content; directories map to empty buffers. */
async function readTar(path: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await listTar({
    file: path,
    strict: true,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => files.set(entry.path, Buffer.concat(chunks)));
    },
  });
  return files;
}

/** Header fields of core metadata, each key with all its values in order. */
function metadataFields(metadata: Buffer | undefined): Map<string, string[]> {
  assert.ok(metadata, "metadata file is missing");
  const text = metadata.toString("utf8");
  const headerEnd = text.indexOf("\n\n");
  const fields = new Map<string, string[]>();
  for (const line of text.slice(0, headerEnd === -1 ? undefined : headerEnd).split("\n")) {
    const match = /^([A-Za-z0-9-]+): ?(.*)$/.exec(line);
    if (!match?.[1]) continue;
    fields.set(match[1], [...(fields.get(match[1]) ?? []), match[2] ?? ""]);
  }
  return fields;
}

function metadataBody(metadata: Buffer | undefined): string {
  const text = metadata?.toString("utf8") ?? "";
  const headerEnd = text.indexOf("\n\n");
  return headerEnd === -1 ? "" : text.slice(headerEnd + 2);
}

/** Runs a Python snippet on `path` with the stdlib zipfile, an independent zip64 reader. */
function pythonZip(path: string, snippet: string): string {
  const result = spawnSync(
    PYTHON,
    ["-c", `import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\n${snippet}`, path],
    { encoding: "utf8" },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

const noPython = existsSync(PYTHON) ? false : `${PYTHON} is not installed`;

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "pypush-fixtures-test-"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A fresh directory per test, so default file names never collide. */
async function freshDir(): Promise<string> {
  return mkdtemp(join(scratch, "case-"));
}

// --- real builds --------------------------------------------------------------------------------

describe("buildProject", {
  skip: pythonToolsAvailable()
    ? false
    : `${PYTHON} cannot import build, flit_core, hatchling and setuptools (apt-get install python3-build flit python3-hatchling python3-setuptools)`,
}, () => {
  const built = new Map<Backend, BuiltProject>();
  before(async () => {
    await Promise.all(
      BACKENDS.map(async (backend) => {
        built.set(backend, await buildProject({ backend, richMetadata: true }));
      }),
    );
  });
  after(async () => {
    await Promise.all([...built.values()].map((project) => project.cleanup()));
  });

  function project(backend: Backend): BuiltProject {
    const result = built.get(backend);
    assert.ok(result, `${backend} build did not run`);
    return result;
  }

  for (const backend of BACKENDS) {
    test(`${backend} puts exactly one wheel and one sdist in dir`, async () => {
      const { dir, wheel, sdist } = project(backend);
      assert.deepEqual((await readdir(dir)).sort(), [basename(sdist), basename(wheel)].sort());
      assert.equal(join(dir, basename(wheel)), wheel);
      assert.equal(join(dir, basename(sdist)), sdist);
      assert.match(basename(wheel), /^demo_[a-z]+-1\.0\.0-py3-none-any\.whl$/);
      assert.match(basename(sdist), /\.tar\.gz$/);
    });

    test(`${backend} wheel's METADATA names the project and version`, async () => {
      const { wheel, name, version } = project(backend);
      const files = await readWheel(wheel);
      const metadataPath = [...files.keys()].find((path) => path.endsWith(".dist-info/METADATA"));
      assert.ok(metadataPath);
      const fields = metadataFields(files.get(metadataPath));
      assert.deepEqual(fields.get("Name"), [name]);
      assert.deepEqual(fields.get("Version"), [version]);
    });

    test(`${backend} sdist's top-level PKG-INFO names the project and version`, async () => {
      const { sdist, name, version } = project(backend);
      const files = await readTar(sdist);
      const tops = new Set([...files.keys()].map((path) => path.split("/")[0]));
      assert.equal(tops.size, 1);
      const fields = metadataFields(files.get(`${[...tops][0]}/PKG-INFO`));
      assert.deepEqual(fields.get("Name"), [name]);
      assert.deepEqual(fields.get("Version"), [version]);
    });

    test(`${backend} rich metadata carries the UTF-8 README and multiple-use fields`, async () => {
      const files = await readWheel(project(backend).wheel);
      const metadata = [...files].find(([path]) => path.endsWith(".dist-info/METADATA"))?.[1];
      const fields = metadataFields(metadata);
      assert.equal(metadataBody(metadata).trimEnd(), RICH_README.trimEnd());
      assert.deepEqual(fields.get("Description-Content-Type"), ["text/markdown"]);
      assert.equal(fields.get("Classifier")?.length, 6);
      assert.equal(fields.get("Project-URL")?.length, 4);
      assert.deepEqual(fields.get("Provides-Extra")?.sort(), ["cli", "socks"]);
      assert.deepEqual(fields.get("Requires-Python"), [">=3.8"]);
      assert.ok(fields.get("Requires-Dist")?.some((dep) => dep.includes("python_version <")));
      assert.ok(fields.get("Requires-Dist")?.some((dep) => /extra == .socks./.test(dep)));
      assert.match(fields.get("Author-email")?.[0] ?? "", /Jürgen Müller <juergen@example\.org>/);
      assert.ok(fields.has("Maintainer-email"));
      assert.ok(fields.has("Keywords"));
    });
  }

  test("wheelOnly builds no sdist and reports the version as the backend normalized it", async () => {
    const wheelOnly = await buildProject({
      backend: "flit",
      name: "Some.Thing",
      version: "2.0.0-rc1",
      wheelOnly: true,
    });
    try {
      assert.equal(wheelOnly.version, "2.0.0rc1");
      assert.match(basename(wheelOnly.wheel), /^some_thing-2\.0\.0rc1-.+\.whl$/);
      assert.deepEqual(await readdir(wheelOnly.dir), [basename(wheelOnly.wheel)]);
      assert.equal("sdist" in wheelOnly, false);
    } finally {
      await wheelOnly.cleanup();
    }
    assert.equal(existsSync(wheelOnly.dir), false);
  });
});

// --- handmade wheels ---------------------------------------------------------------------------

describe("writeWheel", () => {
  test("writes a valid demo_pkg wheel whose RECORD hashes every file", async () => {
    const path = await writeWheel(await freshDir());
    assert.equal(basename(path), "demo_pkg-1.0.0-py3-none-any.whl");
    const files = await readWheel(path);
    assert.deepEqual(
      [...files.keys()],
      [
        "demo_pkg/__init__.py",
        "demo_pkg-1.0.0.dist-info/METADATA",
        "demo_pkg-1.0.0.dist-info/WHEEL",
        "demo_pkg-1.0.0.dist-info/RECORD",
      ],
    );
    const fields = metadataFields(files.get("demo_pkg-1.0.0.dist-info/METADATA"));
    assert.deepEqual(fields.get("Metadata-Version"), ["2.1"]);
    assert.deepEqual(fields.get("Name"), ["demo-pkg"]);
    assert.deepEqual(fields.get("Version"), ["1.0.0"]);
    assert.ok(fields.has("Summary"));
    const record = files.get("demo_pkg-1.0.0.dist-info/RECORD")?.toString() ?? "";
    for (const line of record.trimEnd().split("\n")) {
      const [file = "", hash, size] = line.split(",");
      if (file.endsWith("/RECORD")) continue;
      const data = files.get(file);
      assert.ok(data, `RECORD lists ${file}, which is missing`);
      assert.equal(hash, `sha256=${createHash("sha256").update(data).digest("base64url")}`);
      assert.equal(size, String(data.length));
    }
  });

  test("passes Python's zipfile CRC check", { skip: noPython }, async () => {
    const path = await writeWheel(await freshDir(), {
      entries: [{ path: "a/ü.txt", data: Buffer.from("x") }],
    });
    assert.equal(pythonZip(path, "print(z.testzip())"), "None");
  });

  test("names the file and .dist-info after the normalized name", async () => {
    const path = await writeWheel(await freshDir(), { name: "My.Cool-Pkg", version: "2.0" });
    assert.equal(basename(path), "my_cool_pkg-2.0-py3-none-any.whl");
    const files = await readWheel(path);
    const fields = metadataFields(files.get("my_cool_pkg-2.0.dist-info/METADATA"));
    assert.deepEqual(fields.get("Name"), ["My.Cool-Pkg"]);
  });

  test("stores the METADATA it is given byte for byte, under the file name it is given", async () => {
    const metadata = metadataText(
      [
        ["Metadata-Version", "2.1"],
        ["Name", "other"],
      ],
      "Zürich ✓\n",
    );
    const path = await writeWheel(await freshDir(), { metadata, filename: "odd.whl" });
    assert.equal(basename(path), "odd.whl");
    const files = await readWheel(path);
    assert.equal(files.get("demo_pkg-1.0.0.dist-info/METADATA")?.toString("utf8"), metadata);
  });

  test("metadata null leaves METADATA out but keeps the .dist-info directory", async () => {
    const files = await readWheel(await writeWheel(await freshDir(), { metadata: null }));
    assert.equal(files.has("demo_pkg-1.0.0.dist-info/METADATA"), false);
    assert.ok(files.has("demo_pkg-1.0.0.dist-info/WHEEL"));
  });

  test("extraDistInfo adds a second .dist-info directory with its own METADATA", async () => {
    const files = await readWheel(await writeWheel(await freshDir(), { extraDistInfo: true }));
    const metadataFiles = [...files.keys()].filter((path) => path.endsWith(".dist-info/METADATA"));
    assert.deepEqual(metadataFiles.sort(), [
      "demo_pkg-1.0.0.dist-info/METADATA",
      "extra_pkg-0.1.dist-info/METADATA",
    ]);
  });

  test("metadataSize pads METADATA to exactly that size through its body", async () => {
    const size = 3 * MIB;
    const files = await readWheel(await writeWheel(await freshDir(), { metadataSize: size }));
    const metadata = files.get("demo_pkg-1.0.0.dist-info/METADATA");
    assert.equal(metadata?.length, size);
    assert.deepEqual(metadataFields(metadata).get("Name"), ["demo-pkg"]);
  });

  test("metadataSize smaller than the metadata is refused", async () => {
    await assert.rejects(writeWheel(await freshDir(), { metadataSize: 10 }), RangeError);
  });

  test("bomb adds an entry declared and inflating to 1 GiB from about 1 MiB", async () => {
    const path = await writeWheel(await freshDir(), { bomb: true });
    assert.ok((await stat(path)).size < 2 * MIB);
    const zip = await openZip(path);
    try {
      const bomb = (await zipEntries(zip)).get("demo_pkg/bomb.bin");
      assert.ok(bomb);
      assert.equal(bomb.uncompressedSize, GIB);
      assert.ok(bomb.compressedSize * 100 < bomb.uncompressedSize);
      // Inflate the raw stream ourselves in big chunks: yauzl's 16 KiB ones take seconds per GiB.
      const raw = await new Promise<Readable>((resolve, reject) => {
        zip.openReadStream(bomb, { decompress: false }, (err, stream) =>
          err ? reject(err) : resolve(stream),
        );
      });
      let crc = 0;
      let inflated = 0;
      const inflate = createInflateRaw({ chunkSize: 4 * MIB });
      inflate.on("data", (chunk: Buffer) => {
        crc = crc32(chunk, crc);
        inflated += chunk.length;
      });
      await pipeline(raw, inflate);
      assert.equal(inflated, GIB);
      assert.equal(crc, bomb.crc32);
    } finally {
      zip.close();
    }
  });

  test("entries adds files that RECORD lists", async () => {
    const data = Buffer.from("print('hi')\n");
    const files = await readWheel(
      await writeWheel(await freshDir(), { entries: [{ path: "demo_pkg/cli.py", data }] }),
    );
    assert.deepEqual(files.get("demo_pkg/cli.py"), data);
    assert.match(
      files.get("demo_pkg-1.0.0.dist-info/RECORD")?.toString() ?? "",
      /^demo_pkg\/cli\.py,sha256=/m,
    );
  });

  test("truncateTo cuts the file so its central directory is gone", async () => {
    const path = await writeWheel(await freshDir(), { truncateTo: 100 });
    assert.equal((await stat(path)).size, 100);
    await assert.rejects(openZip(path), /end of central directory record signature not found/i);
  });
});

// --- handmade sdists --------------------------------------------------------------------------

describe("writeSdist", () => {
  test("writes a gzipped demo_pkg sdist with one top-level directory holding PKG-INFO", async () => {
    const path = await writeSdist(await freshDir());
    assert.equal(basename(path), "demo_pkg-1.0.0.tar.gz");
    assert.deepEqual([...(await readFile(path)).subarray(0, 2)], [0x1f, 0x8b]);
    const files = await readTar(path);
    assert.deepEqual([...files.keys()].filter((file) => !file.endsWith("/")).sort(), [
      "demo_pkg-1.0.0/PKG-INFO",
      "demo_pkg-1.0.0/demo_pkg/__init__.py",
      "demo_pkg-1.0.0/pyproject.toml",
    ]);
    const fields = metadataFields(files.get("demo_pkg-1.0.0/PKG-INFO"));
    assert.deepEqual(fields.get("Name"), ["demo-pkg"]);
    assert.deepEqual(fields.get("Version"), ["1.0.0"]);
  });

  test("stores the PKG-INFO it is given, or none for null", async () => {
    const pkgInfo = metadataText([["Name", "x"]]);
    const given = await readTar(await writeSdist(await freshDir(), { pkgInfo }));
    assert.equal(given.get("demo_pkg-1.0.0/PKG-INFO")?.toString(), pkgInfo);
    const none = await readTar(await writeSdist(await freshDir(), { pkgInfo: null }));
    assert.equal(
      [...none.keys()].some((file) => file.endsWith("PKG-INFO")),
      false,
    );
    assert.ok(none.has("demo_pkg-1.0.0/pyproject.toml"));
  });

  test("topDirs with two names makes two top-level directories, each with PKG-INFO", async () => {
    const files = await readTar(await writeSdist(await freshDir(), { topDirs: ["a-1", "b-1"] }));
    assert.ok(files.has("a-1/PKG-INFO"));
    assert.ok(files.has("b-1/PKG-INFO"));
    assert.deepEqual(
      new Set([...files.keys()].map((file) => file.split("/")[0])),
      new Set(["a-1", "b-1"]),
    );
  });

  test("topDirs empty puts PKG-INFO at the root of the archive", async () => {
    const files = await readTar(await writeSdist(await freshDir(), { topDirs: [] }));
    assert.ok(files.has("PKG-INFO"));
    assert.ok(files.has("pyproject.toml"));
  });

  test("pkgInfoSize pads PKG-INFO to exactly that size", async () => {
    const files = await readTar(await writeSdist(await freshDir(), { pkgInfoSize: 3 * MIB }));
    assert.equal(files.get("demo_pkg-1.0.0/PKG-INFO")?.length, 3 * MIB);
  });

  test("gzip false writes a plain tar under the .tar.gz name", async () => {
    const path = await writeSdist(await freshDir(), { gzip: false });
    assert.equal(basename(path), "demo_pkg-1.0.0.tar.gz");
    const bytes = await readFile(path);
    assert.notDeepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal(bytes.subarray(257, 262).toString(), "ustar");
    assert.ok((await readTar(path)).has("demo_pkg-1.0.0/PKG-INFO"));
  });

  test("truncateTo cuts the archive so reading it fails", async () => {
    const path = await writeSdist(await freshDir(), { pkgInfoSize: 64 * 1024, truncateTo: 200 });
    assert.equal((await stat(path)).size, 200);
    await assert.rejects(readTar(path), /unexpected end of file/);
  });
});

// --- metadata text, CRC of zeros, sparse and big files ------------------------------------------

test("metadataText writes one line per field, indents continuations, then the body", () => {
  const text = metadataText(
    [
      ["Name", "demo"],
      ["Classifier", "A"],
      ["Classifier", "B"],
      ["License", "line one\nline two"],
    ],
    "Body ✓\n",
  );
  assert.equal(
    text,
    "Name: demo\nClassifier: A\nClassifier: B\nLicense: line one\n        line two\n\nBody ✓\n",
  );
  assert.equal(metadataText([["Name", "demo"]]), "Name: demo\n");
});

test("crc32OfZeros equals zlib.crc32 over that many zero bytes after any prefix", () => {
  fc.assert(
    fc.property(fc.nat(70_000), fc.nat(0xffffffff), (byteCount, previous) => {
      assert.equal(crc32OfZeros(byteCount, previous), crc32(Buffer.alloc(byteCount), previous));
    }),
    { numRuns: 200 },
  );
  assert.equal(crc32OfZeros(3 * MIB + 1), crc32(Buffer.alloc(3 * MIB + 1)));
});

test("writeSparseFile makes a file of the given size that takes no disk", async () => {
  const path = join(await freshDir(), "sparse.whl");
  await writeSparseFile(path, 3 * GIB);
  const info = await stat(path);
  assert.equal(info.size, 3 * GIB);
  assert.ok(info.blocks * 512 < MIB, `${info.blocks} blocks allocated`);
});

describe("writeBigWheel", () => {
  test("writes a wheel of exactly the size asked, with streamed data RECORD hashes", async () => {
    const size = 8 * MIB + 3;
    const path = await writeBigWheel(await freshDir(), size);
    assert.equal(basename(path), "demo_big-1.0.0-py3-none-any.whl");
    assert.equal((await stat(path)).size, size);
    const zip = await openZip(path);
    try {
      const entries = await zipEntries(zip);
      const data = entries.get("demo_big/data.bin");
      assert.ok(data);
      assert.equal(data.compressionMethod, 0);
      let crc = 0;
      const hash = createHash("sha256");
      await streamEntry(zip, data, (chunk) => {
        crc = crc32(chunk, crc);
        hash.update(chunk);
      });
      assert.equal(crc, data.crc32);
      const recordEntry = entries.get("demo_big-1.0.0.dist-info/RECORD");
      assert.ok(recordEntry);
      const record = (await readEntry(zip, recordEntry)).toString();
      assert.match(
        record,
        new RegExp(
          `^demo_big/data.bin,sha256=${hash.digest("base64url")},${data.uncompressedSize}$`,
          "m",
        ),
      );
    } finally {
      zip.close();
    }
  });

  test("a small sparse wheel passes Python's zipfile CRC check", { skip: noPython }, async () => {
    const path = await writeBigWheel(await freshDir(), 2 * MIB, { sparse: true });
    assert.equal(pythonZip(path, "print(z.testzip())"), "None");
  });

  test("sparse 5 GiB wheel takes no disk, is quick, and yauzl reads its zip64 directory and METADATA", async () => {
    const size = 5 * GIB;
    const started = performance.now();
    const path = await writeBigWheel(await freshDir(), size, { sparse: true });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    const info = await stat(path);
    assert.equal(info.size, size);
    assert.ok(info.blocks * 512 < MIB, `${info.blocks} blocks allocated`);

    const zip = await openZip(path);
    try {
      const entries = await zipEntries(zip);
      const data = entries.get("demo_big/data.bin");
      assert.ok(data);
      assert.ok(data.uncompressedSize > 4 * GIB);
      assert.equal(data.compressedSize, data.uncompressedSize);
      assert.equal(data.crc32, crc32OfZeros(data.uncompressedSize));
      const metadata = entries.get("demo_big-1.0.0.dist-info/METADATA");
      assert.ok(metadata);
      assert.ok(metadata.relativeOffsetOfLocalHeader > 0xffffffff);
      const fields = metadataFields(await readEntry(zip, metadata));
      assert.deepEqual(fields.get("Name"), ["demo-big"]);
    } finally {
      zip.close();
    }
    await rm(path);
  });

  test("Python's zipfile reads METADATA of a sparse wheel just over 4 GiB", {
    skip: noPython,
  }, async () => {
    // The data entry still fits 32 bits here; only METADATA's offset needs the zip64 extra field.
    const path = await writeBigWheel(await freshDir(), 4 * GIB + 1024, { sparse: true });
    const name = pythonZip(
      path,
      "print(z.read('demo_big-1.0.0.dist-info/METADATA').decode().splitlines()[1])",
    );
    assert.equal(name, "Name: demo-big");
    await rm(path);
  });

  test("refuses a size too small to hold the wheel's own files", async () => {
    await assert.rejects(writeBigWheel(await freshDir(), 100), RangeError);
  });
});
