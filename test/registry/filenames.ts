// Names, versions and distribution file names, as the registries read them. Pure functions.

/** PEP 503 normalization: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export interface DistFilename {
  kind: "wheel" | "sdist";
  /** The name as written in the file name (not normalized). */
  name: string;
  /** The version as written in the file name. */
  version: string;
}

/**
 * Splits `name-version(-build)?-py-abi-platform.whl` and `name-version.tar.gz` (also `.zip`).
 * An sdist name may contain `-`, so its version is what follows the last `-`.
 */
export function parseDistFilename(filename: string): DistFilename | undefined {
  if (filename.endsWith(".whl")) {
    const parts = filename.slice(0, -".whl".length).split("-");
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    const [name, version] = parts;
    if (!name || !version) return undefined;
    return { kind: "wheel", name, version };
  }
  const stem = filename.endsWith(".tar.gz")
    ? filename.slice(0, -".tar.gz".length)
    : filename.endsWith(".zip")
      ? filename.slice(0, -".zip".length)
      : undefined;
  if (stem === undefined) return undefined;
  const dash = stem.lastIndexOf("-");
  if (dash <= 0 || dash === stem.length - 1) return undefined;
  return { kind: "sdist", name: stem.slice(0, dash), version: stem.slice(dash + 1) };
}

// PEP 440, public and local parts (the regular expression of the PEP's appendix, written out).
const PEP440 =
  /^v?(?:(?:[0-9]+)!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

export function isPep440Version(version: string): boolean {
  return PEP440.test(version.trim()) && version.trim() === version;
}

export function hasLocalVersion(version: string): boolean {
  return version.includes("+");
}

/**
 * Loose PEP 440 equality: enough to compare the version in a file name with the `version` field
 * (wheel file names write `-` as `_`; case and a leading `v` do not matter).
 */
export function sameVersion(a: string, b: string): boolean {
  const canon = (v: string) =>
    v
      .toLowerCase()
      .replace(/^v/, "")
      .replace(/_/g, "-")
      .replace(/(\.0+)+$/, "");
  return canon(a) === canon(b);
}
