// Reads a registry's simple index (PEP 691 JSON, else PEP 503 HTML) to learn whether it holds a
// file and with which sha256: the only way to tell "same file" from "other file, same name".
import { normalizeName } from "../distributions/filename.ts";
import { extractMessage } from "./outcome.ts";
import { get, type Transport } from "./send.ts";

export type IndexLookup =
  | { kind: "found"; sha256: string | undefined }
  | { kind: "absent" }
  | { kind: "unavailable"; reason: string };

export async function lookupFileInIndex(
  transport: Transport,
  simpleUrl: URL,
  project: string,
  filename: string,
  authorization: string | undefined,
): Promise<IndexLookup> {
  const base = simpleUrl.href.endsWith("/") ? simpleUrl.href : `${simpleUrl.href}/`;
  const url = new URL(`${normalizeName(project)}/`, base);
  const headers: Record<string, string> = {
    accept: "application/vnd.pypi.simple.v1+json, text/html;q=0.1",
  };
  if (authorization) headers.authorization = authorization;
  const result = await get(transport, url, headers);
  if (!result.ok) return { kind: "unavailable", reason: result.message };
  const { answer } = result;
  if (answer.status === 404) return { kind: "absent" };
  if (answer.status !== 200) {
    return {
      kind: "unavailable",
      reason: `${url.href} answered ${answer.status}: ${extractMessage(answer)}`,
    };
  }
  return findFile(answer.body, filename);
}

/** Finds a file and its sha256 in a PEP 691 JSON or PEP 503 HTML project page (pure). */
export function findFile(page: string, filename: string): IndexLookup {
  const trimmed = page.trim();
  if (trimmed.startsWith("{")) {
    try {
      const json = JSON.parse(trimmed) as {
        files?: { filename?: string; hashes?: { sha256?: string } }[];
      };
      const file = json.files?.find((item) => item.filename === filename);
      return file ? { kind: "found", sha256: file.hashes?.sha256 } : { kind: "absent" };
    } catch {
      return { kind: "unavailable", reason: "the index answered invalid JSON" };
    }
  }
  for (const match of trimmed.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
    const [, href = "", text = ""] = match;
    const linkName = decodeURIComponent(href.split("#")[0]?.split("/").pop() ?? "");
    if (text.trim() === filename || linkName === filename) {
      return { kind: "found", sha256: href.match(/#sha256=([0-9a-f]{64})/i)?.[1]?.toLowerCase() };
    }
  }
  return { kind: "absent" };
}
