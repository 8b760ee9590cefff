// The simple repository API a registry serves next to its upload endpoint: PEP 503 HTML and,
// when asked with `Accept: application/vnd.pypi.simple.v1+json`, PEP 691 JSON (API version 1.1,
// PEP 700: `versions`, `size` and `upload-time`). Clients read the `#sha256=` fragments (HTML)
// or `hashes.sha256` (JSON) to learn whether a file with the same name holds the same bytes.
import { firstField } from "./multipart.ts";
import { escapeHtml } from "./responses.ts";
import type { Answer, StoredFile } from "./types.ts";

export const PEP691_JSON = "application/vnd.pypi.simple.v1+json";

/** True when the Accept header asks for PEP 691 JSON (and does not refuse it with q=0). */
export function wantsJson(accept: string | undefined): boolean {
  return (accept ?? "")
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .some((part) => part.startsWith(PEP691_JSON) && !/;\s*q=0(\.0*)?\s*$/.test(part));
}

export interface IndexedFile {
  file: StoredFile;
  /** Where the file is downloaded from (absolute, or relative to the project page). */
  url: string;
  uploadedAt: Date;
}

export function renderProjectPage(
  project: string,
  files: IndexedFile[],
  accept: string | undefined,
): Answer {
  if (wantsJson(accept)) {
    const body = {
      meta: { "api-version": "1.1" },
      name: project,
      versions: [...new Set(files.map((f) => f.file.version))],
      files: files.map(({ file, url, uploadedAt }) => {
        const requiresPython = firstField(file.fields, "requires_python");
        return {
          filename: file.filename,
          url,
          hashes: { sha256: file.sha256 },
          ...(requiresPython ? { "requires-python": requiresPython } : {}),
          size: file.size,
          "upload-time": uploadedAt.toISOString(),
        };
      }),
    };
    return { status: 200, headers: { "content-type": PEP691_JSON }, body: JSON.stringify(body) };
  }
  const links = files.map(({ file, url }) => {
    const requiresPython = firstField(file.fields, "requires_python");
    const attribute = requiresPython ? ` data-requires-python="${escapeHtml(requiresPython)}"` : "";
    return `    <a href="${escapeHtml(`${url}#sha256=${file.sha256}`)}"${attribute}>${escapeHtml(file.filename)}</a><br/>`;
  });
  const body = [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    '    <meta name="pypi:repository-version" content="1.1">',
    `    <title>Links for ${escapeHtml(project)}</title>`,
    "  </head>",
    "  <body>",
    `    <h1>Links for ${escapeHtml(project)}</h1>`,
    ...links,
    "  </body>",
    "</html>",
    "",
  ].join("\n");
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body };
}

export function renderRootPage(projects: string[], accept: string | undefined): Answer {
  if (wantsJson(accept)) {
    const body = { meta: { "api-version": "1.1" }, projects: projects.map((name) => ({ name })) };
    return { status: 200, headers: { "content-type": PEP691_JSON }, body: JSON.stringify(body) };
  }
  const links = projects.map((p) => `    <a href="${escapeHtml(p)}/">${escapeHtml(p)}</a><br/>`);
  const body = [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    '    <meta name="pypi:repository-version" content="1.1">',
    "    <title>Simple index</title>",
    "  </head>",
    "  <body>",
    ...links,
    "  </body>",
    "</html>",
    "",
  ].join("\n");
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body };
}
