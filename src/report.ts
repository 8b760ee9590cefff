// Step 5, report: the per-file results, the lines a CI log shows, and the JSON report.
import type { Distribution } from "./distributions/distribution.ts";

export type FileStatus = "uploaded" | "skipped" | "failed" | "not-attempted" | "would-upload";

export interface FileResult {
  filename: string;
  path: string;
  size: number;
  sha256: string;
  blake2_256: string;
  outcome: FileStatus;
  message?: string;
  hint?: string;
  url?: string;
}

export interface PublishReport {
  repositoryUrl: string;
  registry: string;
  files: FileResult[];
}

/** What the core tells an entrypoint while it works; each entrypoint prints it its own way. */
export interface PublishEvents {
  info(message: string): void;
  warn(message: string): void;
  fileStarted(dist: Distribution, attempt: number, retryReason: string | undefined): void;
  progress(dist: Distribution, sent: number, total: number): void;
  fileFinished(result: FileResult): void;
}

export function humanSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Big files get a progress line at every 10%: CI logs are not terminals, so no spinners. */
export const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/** Log lines for a plain text stream (CLI, GitLab job log, GitHub step log). */
export function createLogEvents(
  write: (line: string) => void,
  options: { verbose: boolean; printHash: boolean },
): PublishEvents {
  const lastDecile = new Map<string, number>();
  return {
    info: (message) => write(message),
    warn: (message) => write(`warning: ${message}`),
    fileStarted(dist, attempt, retryReason) {
      lastDecile.set(dist.filename, 0);
      if (attempt === 1) {
        write(`Uploading ${dist.filename} (${humanSize(dist.size)})`);
      } else {
        write(
          `  retrying ${dist.filename} (attempt ${attempt}) after: ${retryReason ?? "a failure"}`,
        );
      }
    },
    progress(dist, sent, total) {
      if (total < PROGRESS_MIN_BYTES) return;
      const decile = Math.floor((sent / total) * 10);
      if (decile > (lastDecile.get(dist.filename) ?? 0) && decile < 10) {
        lastDecile.set(dist.filename, decile);
        write(`  ${dist.filename}: ${decile * 10}% (${humanSize(sent)} of ${humanSize(total)})`);
      }
    },
    fileFinished(result) {
      const detail = result.message ? `: ${result.message}` : "";
      write(`  ${result.outcome} ${result.filename}${detail}`);
      if (options.printHash) {
        write(`  sha256 ${result.sha256}`);
        write(`  blake2_256 ${result.blake2_256}`);
      }
      if (result.hint) write(`  hint: ${result.hint}`);
      if (options.verbose && result.url) write(`  ${result.url}`);
    },
  };
}

export function summaryLine(report: PublishReport): string {
  const count = (status: FileStatus) =>
    report.files.filter((file) => file.outcome === status).length;
  const parts = [
    `${count("uploaded")} uploaded`,
    `${count("skipped")} skipped`,
    `${count("failed")} failed`,
  ];
  const notAttempted = count("not-attempted");
  if (notAttempted > 0) parts.push(`${notAttempted} not attempted`);
  const wouldUpload = count("would-upload");
  if (wouldUpload > 0) parts.push(`${wouldUpload} would be uploaded (dry run)`);
  return `${parts.join(", ")} (${report.registry}: ${report.repositoryUrl})`;
}

/** The GitHub job summary's table: one row per file, with its link where there is one. */
export function summaryTable(report: PublishReport): string[][] {
  return [
    ["File", "Size", "sha256", "Outcome", "Link"],
    ...report.files.map((file) => [
      file.filename,
      humanSize(file.size),
      file.sha256,
      file.message ? `${file.outcome}: ${file.message}` : file.outcome,
      file.url ?? "",
    ]),
  ];
}
