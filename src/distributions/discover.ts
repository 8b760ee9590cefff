// Step 1, plan: turns the user's paths (files, directories, globs) into the list of candidate
// distribution files. Nothing is opened here beyond stat calls.
import { lstat, readdir, readlink } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import type { DistributionProblem } from "./distribution.ts";
import { isDistributionName, legacyFormatReason } from "./filename.ts";

export interface Candidate {
  path: string;
  filename: string;
  size: number;
}

export interface Discovery {
  candidates: Candidate[];
  problems: DistributionProblem[];
}

// Files that travel with distributions and are never uploaded on their own.
const SIDE_FILE = /\.(asc|sig|sigstore|sigstore\.json|attestation|sha256|md5|crt|pem)$/;

export async function discoverDistributions(paths: readonly string[]): Promise<Discovery> {
  const problems: DistributionProblem[] = [];
  const found: string[] = [];
  for (const path of paths) {
    if (isDynamicPattern(path)) {
      const matches = await glob(path, { onlyFiles: false, dot: false, absolute: true });
      if (matches.length === 0) {
        problems.push({ file: path, message: "no file matches this pattern" });
      }
      found.push(...matches.sort());
      continue;
    }
    const stats = await lstat(path).catch(() => undefined);
    if (stats === undefined) {
      problems.push({
        file: path,
        message: "no such file or directory (build your distributions first, e.g. python -m build)",
      });
    } else if (stats.isDirectory()) {
      const names = (await readdir(path)).filter((name) => !name.startsWith(".")).sort();
      if (names.length === 0) {
        problems.push({
          file: path,
          message: "the directory is empty (build your distributions first, e.g. python -m build)",
        });
      }
      found.push(...names.map((name) => join(path, name)));
    } else {
      found.push(path);
    }
  }

  const candidates: Candidate[] = [];
  const seen = new Map<string, string>();
  for (const path of found) {
    const filename = basename(path);
    if (SIDE_FILE.test(filename)) continue;
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) {
      problems.push({
        file: path,
        message: `is a symbolic link (to ${await readlink(path)}); pass the distribution file itself`,
      });
      continue;
    }
    if (stats.isDirectory()) {
      problems.push({ file: path, message: "is a directory, not a distribution file" });
      continue;
    }
    if (!stats.isFile()) {
      problems.push({ file: path, message: "is not a regular file" });
      continue;
    }
    if (!isDistributionName(filename)) {
      problems.push({
        file: path,
        message:
          legacyFormatReason(filename) ??
          "unknown file type: only wheels (.whl) and sdists (.tar.gz) are uploaded",
      });
      continue;
    }
    const absolute = resolve(path);
    const previous = seen.get(filename);
    if (previous === absolute) continue;
    if (previous !== undefined) {
      problems.push({
        file: path,
        message: `the same file name is also at ${previous}; a registry holds one file per name, so pass only one`,
      });
      continue;
    }
    seen.set(filename, absolute);
    candidates.push({ path: absolute, filename, size: stats.size });
  }
  if (candidates.length === 0 && problems.length === 0) {
    problems.push({
      file: paths.join(" "),
      message: "no wheel or sdist found (build your distributions first, e.g. python -m build)",
    });
  }
  return { candidates, problems };
}
