// Core metadata (METADATA / PKG-INFO): an RFC 822-style header block, then an optional body that
// is the long description (Metadata-Version 2.1+). Parsed the way twine's pkginfo reads it through
// Python's email parser, so the form fields pypush sends equal the ones twine sends.

/** The versions of the core metadata specification pypush understands. */
export const KNOWN_METADATA_VERSIONS = ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2", "2.3", "2.4"];

export interface CoreMetadata {
  metadataVersion: string;
  /** Header values by lower-cased header name, in file order; repeated headers keep every value. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** The long description: the body, or the legacy `Description` header. */
  description: string | undefined;
}

export type MetadataParse =
  | { ok: true; metadata: CoreMetadata }
  | { ok: false; problems: string[] };

// It also drops one leading byte order mark, as Python does reading utf-8-sig: one, not two.
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Decodes and parses core metadata; every problem found is returned, none thrown. */
export function parseCoreMetadata(bytes: Uint8Array): MetadataParse {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, problems: ["metadata is not valid UTF-8 (core metadata must be UTF-8)"] };
  }
  const { headers, body } = splitHeaders(text);
  const problems: string[] = [];
  const metadataVersion = first(headers, "metadata-version");
  if (metadataVersion === undefined) {
    problems.push("metadata has no Metadata-Version field");
  } else if (!KNOWN_METADATA_VERSIONS.includes(metadataVersion)) {
    problems.push(
      `unknown Metadata-Version '${metadataVersion}' (known: ${KNOWN_METADATA_VERSIONS.join(", ")})`,
    );
  }
  if (first(headers, "name") === undefined) problems.push("metadata has no Name field");
  if (first(headers, "version") === undefined) problems.push("metadata has no Version field");
  if (problems.length > 0) return { ok: false, problems };
  const description = body.length > 0 ? body : first(headers, "description");
  return {
    ok: true,
    metadata: { metadataVersion: metadataVersion as string, headers, description },
  };
}

/** The first value of a header, or undefined when absent. */
export function first(headers: ReadonlyMap<string, readonly string[]>, name: string) {
  return headers.get(name)?.[0];
}

function splitHeaders(text: string): { headers: Map<string, string[]>; body: string } {
  const headers = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  let current: { name: string; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const values = headers.get(current.name) ?? [];
    values.push(collapse(current.name, current.lines));
    headers.set(current.name, values);
    current = undefined;
  };
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line === "") {
      index++;
      break;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      // A continuation line; before any header, Python's email parser drops it.
      current?.lines.push(line);
      continue;
    }
    flush();
    // RFC 822 field names: printable ASCII but the colon, with no space before the colon. Any
    // other line ends the header block, as it does for Python's email parser (twine's pkginfo).
    const field = line.match(/^([\x21-\x39\x3b-\x7e]+):/);
    if (!field) break;
    const colon = (field[1] as string).length;
    current = { name: line.slice(0, colon).toLowerCase(), lines: [line.slice(colon + 1)] };
  }
  flush();
  return { headers, body: lines.slice(index).join("\n") };
}

// Folded headers: pkginfo joins continuation lines with spaces, except `Description`, whose
// continuation lines carry an 8-space indent (setuptools' rfc822_escape) that is removed.
function collapse(name: string, lines: string[]): string {
  const joined = lines.join("\n").replace(/^[ \t]+/, "");
  if (name === "description") {
    return joined
      .trim()
      .split("\n")
      .map((line) => (line.startsWith("        ") ? line.slice(8) : line))
      .join("\n");
  }
  return joined
    .split("\n")
    .map((line) => line.trim())
    .join(" ")
    .trim();
}
