// Where pypush spends a big upload's time and memory, phase by phase, beside the prototypes in
// candidates.ts and the floors (a bare read, curl). Not part of `npm run bench`; run by hand:
//   node --import tsx bench/profile.ts [--size-mib 1024] [--runs 3]
// Each phase runs in a fresh process (peak RSS from /usr/bin/time; every one of them carries the
// tsx loader, so compare against the "loader only" row). The file is written once, non-sparse.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { createBLAKE2b } from "hash-wasm";
import { computeDigests } from "../src/distributions/digests.ts";
import { buildMultipartBody } from "../src/upload/body.ts";
import { createTransport, postMultipart } from "../src/upload/send.ts";
import { writeBigWheel } from "../test/fixtures/handmade.ts";
import { digestsReusingBuffers, digestsWithWorker, postReusingBuffers } from "./candidates.ts";
import { findCommand } from "./prerequisites.ts";
import { type Run, removeTimeDir, startSinkProcess, timeCommand } from "./processes.ts";
import { median } from "./report.ts";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const MIB = 1024 * 1024;

/** One phase, run inside a child process; resolves to what it found (digests, status). */
const PHASES: Record<string, (file: string, url: string) => Promise<string>> = {
  "loader only": async () => "",
  "read, createReadStream 1 MiB (as src)": async (file) => {
    let bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: MIB })) {
      bytes += (chunk as Buffer).length;
    }
    return String(bytes);
  },
  "digests: src computeDigests": async (file) => {
    const { sha256, blake2_256 } = await computeDigests(file, (await stat(file)).size, false);
    return `${sha256} ${blake2_256}`;
  },
  "digests: one pass, reused buffers": async (file) => {
    const { sha256, blake2_256 } = await digestsReusingBuffers(file);
    return `${sha256} ${blake2_256}`;
  },
  "digests: blake2b in a worker": async (file) => {
    const { sha256, blake2_256 } = await digestsWithWorker(file);
    return `${sha256} ${blake2_256}`;
  },
  "upload: src postMultipart (undici)": async (file, url) => {
    const { size } = await stat(file);
    const body = buildMultipartBody([[":action", "file_upload"]], {
      path: file,
      filename: "demo_big-1.0.0-py3-none-any.whl",
      size,
    });
    const transport = createTransport({ timeoutMs: 120_000, userAgent: "bench", caCertFiles: [] });
    try {
      const sent = await postMultipart(transport, new URL(url), body, undefined);
      return sent.ok ? String(sent.answer.status) : sent.message;
    } finally {
      await transport.dispatcher.close();
    }
  },
  "upload: node:http, reused buffers": async (file, url) => {
    const { size } = await stat(file);
    const boundary = "pypush-bench-boundary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_upload\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="content"; ` +
        `filename="demo_big-1.0.0-py3-none-any.whl"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const status = await postReusingBuffers(url, file, size, head, tail, {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(head.length + size + tail.length),
    });
    return String(status);
  },
};

async function runPhase(name: string, file: string, url: string, out: string): Promise<void> {
  const phase = PHASES[name];
  if (!phase) throw new TypeError(`unknown phase: ${name}`);
  const started = performance.now();
  const result = await phase(file, url);
  await writeFile(out, JSON.stringify({ ms: performance.now() - started, result }));
}

/** In-memory throughput of each digest: 1 MiB of data hashed `mib` times. */
async function hashThroughput(mib: number): Promise<[string, number][]> {
  const chunk = Buffer.alloc(MIB);
  for (let i = 0; i < MIB; i += 4) chunk.writeUInt32LE((Math.imul(i, 2654435761) ^ i) >>> 0, i);
  const rate = async (update: (chunk: Buffer) => void, finish: () => void) => {
    const started = performance.now();
    for (let i = 0; i < mib; i++) update(chunk);
    finish();
    return mib / ((performance.now() - started) / 1000);
  };
  const rates: [string, number][] = [];
  for (const name of ["sha256", "md5"]) {
    const hash = createHash(name);
    rates.push([
      `node:crypto ${name}`,
      await rate(
        (c) => hash.update(c),
        () => hash.digest(),
      ),
    ]);
  }
  const blake2 = await createBLAKE2b(256);
  blake2.init();
  rates.push([
    "hash-wasm BLAKE2b-256",
    await rate(
      (c) => blake2.update(c),
      () => blake2.digest(),
    ),
  ]);
  return rates;
}

/** Start-up of the CLI bundle against bundles of its two biggest dependencies alone. */
async function startupAttribution(dir: string, runs: number): Promise<[string, number, number][]> {
  const bundle = async (name: string, contents: string, minify = false) => {
    const outfile = join(dir, `${name}.mjs`);
    await build({
      stdin: { contents, resolveDir: root, loader: "ts" },
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minify,
      logLevel: "error",
      banner: {
        js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
      },
      define: { __PYPUSH_VERSION__: '"bench"' },
    });
    return outfile;
  };
  const cliMinified = await bundle(
    "cli-minified",
    `import { main } from "./src/command-line.ts"; process.exitCode = await main(process.argv.slice(2), process.env);`,
    true,
  );
  const commands: [string, string[]][] = [
    ["node -e 0", ["-e", "0"]],
    ["dist/cli.js --help", [join(root, "dist/cli.js"), "--help"]],
    ["same source, minified, --help", [cliMinified, "--help"]],
    ["bundle of undici alone", [await bundle("undici", `import "undici";`)]],
    ["bundle of hash-wasm alone", [await bundle("hash-wasm", `import "hash-wasm";`)]],
  ];
  const times = new Map<string, Run[]>(commands.map(([name]) => [name, []]));
  for (let i = 0; i <= runs; i++) {
    for (const [name, args] of commands) {
      const run = await timeCommand(process.execPath, args);
      if (i > 0) times.get(name)?.push(run);
    }
  }
  return commands.map(([name]) => {
    const measured = times.get(name) ?? [];
    return [
      name,
      median(measured.map((r) => r.wallMs)),
      Math.max(...measured.map((r) => r.maxRssKiB)) / 1024,
    ];
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phase: { type: "string" },
      file: { type: "string" },
      url: { type: "string" },
      out: { type: "string" },
      "size-mib": { type: "string" },
      runs: { type: "string" },
    },
  });
  if (values.phase) {
    await runPhase(values.phase, values.file ?? "", values.url ?? "", values.out ?? "");
    return;
  }
  const sizeMib = Number(values["size-mib"] ?? 1024);
  const runs = Number(values.runs ?? 3);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`node ${process.version}; file ${sizeMib} MiB; median of ${runs} runs per row`);

  say("\nin-memory throughput, 256 MiB:");
  for (const [name, rate] of await hashThroughput(256)) {
    say(`  ${name.padEnd(24)} ${rate.toFixed(0).padStart(6)} MiB/s`);
  }

  const dir = await mkdtemp(join(tmpdir(), "pypush-profile-"));
  const sink = await startSinkProcess(join(root, "bench/sink.ts"), []);
  try {
    const file = await writeBigWheel(dir, sizeMib * MIB);
    const out = join(dir, "phase.json");
    say(`\n${sizeMib} MiB file, each row a fresh process (sink: bench/sink.ts):`);
    say(
      `  ${"phase".padEnd(40)} ${"phase s".padStart(8)} ${"MiB/s".padStart(6)} ${"wall s".padStart(7)} ${"peak RSS".padStart(9)}  result`,
    );
    const row = (name: string, phaseMs: number | undefined, measured: Run[], result = "") => {
      const wall = median(measured.map((r) => r.wallMs)) / 1000;
      const rss = Math.max(...measured.map((r) => r.maxRssKiB)) / 1024;
      const phase = phaseMs === undefined ? "" : (phaseMs / 1000).toFixed(2);
      const rate = phaseMs === undefined ? sizeMib / wall : sizeMib / (phaseMs / 1000);
      say(
        `  ${name.padEnd(40)} ${phase.padStart(8)} ${rate.toFixed(0).padStart(6)} ${wall.toFixed(2).padStart(7)} ${`${rss.toFixed(1)} MiB`.padStart(9)}  ${result.slice(0, 40)}`,
      );
    };
    for (const name of Object.keys(PHASES)) {
      const measured: Run[] = [];
      const phaseMs: number[] = [];
      let result = "";
      for (let i = 0; i < runs; i++) {
        measured.push(
          await timeCommand(process.execPath, [
            "--import",
            "tsx",
            fileURLToPath(import.meta.url),
            "--phase",
            name,
            "--file",
            file,
            "--url",
            sink.url,
            "--out",
            out,
          ]),
        );
        const report = JSON.parse(await readFile(out, "utf8")) as { ms: number; result: string };
        phaseMs.push(report.ms);
        result = report.result;
      }
      row(name, name === "loader only" ? undefined : median(phaseMs), measured, result);
    }
    const cli = join(root, "dist/cli.js");
    const whole: [string, string, string[]][] = [
      ["pypush CLI --dry-run (inspect + digests)", process.execPath, [cli, "--dry-run", file]],
      ["pypush CLI upload", process.execPath, [cli, "--repository-url", sink.url, file]],
    ];
    const curl = await findCommand("curl");
    if (curl) {
      whole.push([
        "curl -F",
        curl,
        [
          "-s",
          "-f",
          "-o",
          "/dev/null",
          "-F",
          ":action=file_upload",
          "-F",
          `content=@${file}`,
          sink.url,
        ],
      ]);
    }
    for (const [name, command, args] of whole) {
      const measured: Run[] = [];
      for (let i = 0; i < runs; i++) measured.push(await timeCommand(command, args));
      row(name, undefined, measured, "(whole process, no tsx)");
    }
    await rm(file);

    say("\nstart-up, median of 10 (no tsx):");
    for (const [name, ms, rss] of await startupAttribution(dir, 10)) {
      say(`  ${name.padEnd(32)} ${(ms / 1000).toFixed(3)} s  ${rss.toFixed(1)} MiB`);
    }
  } finally {
    await sink.stop();
    await rm(dir, { recursive: true, force: true });
    await removeTimeDir();
  }
}

await main();
