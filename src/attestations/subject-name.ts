// Does a statement's subject name the file being uploaded?
//
// Warehouse does not compare names byte for byte: pypi-attestations "ultranormalizes" both the
// subject name and the uploaded file name before comparing them. The project name is
// PEP 503-normalized with `_` as separator, the version is PEP 440-normalized, a wheel's build
// tag loses leading zeros, and each compressed wheel tag set (`py2.py3`) is lower-cased,
// de-duplicated and sorted. `pypi-attestations sign`, which writes the `<file>.publish.attestation` files uv and
// twine upload, puts that form in the subject, so `Foo.Bar-1.0.tar.gz` is attested as
// `foo_bar-1.0.tar.gz`. pypush follows the same rule, so it accepts what PyPI accepts.
import { clean as normalizeVersion } from "@renovatebot/pep440";
import { normalizeName, parseFilename } from "../distributions/filename.ts";

export function sameDistributionFile(subjectName: string, filename: string): boolean {
  return subjectName === filename || ultranormalize(subjectName) === ultranormalize(filename);
}

function ultranormalize(filename: string): string | undefined {
  const parsed = parseFilename(filename);
  if (!parsed.ok) return undefined;
  const { kind, name, version } = parsed.filename;
  // Wheel names escape `-` in versions as `_`; PEP 440 reads both as separators.
  const canonical = normalizeVersion(version.replace(/_/g, "-"));
  if (canonical === null) return undefined;
  // @renovatebot/pep440 joins local segments with commas; PEP 440 uses dots.
  const stem = `${normalizeName(name).replace(/-/g, "_")}-${canonical.replace(/,/g, ".")}`;
  if (kind === "sdist") return `${stem}.tar.gz`;
  const { python, abi, platform, build } = parsed.filename.tags;
  const parts = [stem];
  if (build !== undefined) parts.push(build.replace(/^0+(?=\d)/, ""));
  parts.push(...[python, abi, platform].map(sortedTagSet));
  return `${parts.join("-")}.whl`;
}

function sortedTagSet(compressed: string): string {
  return [...new Set(compressed.toLowerCase().split("."))].sort().join(".");
}
