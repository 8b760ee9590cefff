// Checks a distribution's file name against its own metadata, as Warehouse does on upload.
import {
  clean as normalizeVersion,
  eq as sameVersion,
  valid as validVersion,
} from "@renovatebot/pep440";
import { isValidProjectName, normalizeName, type ParsedFilename } from "./filename.ts";
import { type CoreMetadata, first } from "./metadata.ts";

/** Every mismatch between the file name and the metadata; an empty list means consistent. */
export function validateDistribution(
  filename: ParsedFilename,
  metadata: CoreMetadata,
  rules: { pep625: boolean },
): string[] {
  const problems: string[] = [];
  const name = first(metadata.headers, "name") ?? "";
  const version = first(metadata.headers, "version") ?? "";
  if (!isValidProjectName(name)) {
    problems.push(`metadata Name '${name}' is not a valid project name (PEP 508)`);
  } else if (normalizeName(name) !== normalizeName(filename.name)) {
    problems.push(
      `file name says project '${filename.name}' but metadata Name is '${name}' (they must match after PEP 503 normalization)`,
    );
  }
  if (validVersion(version) === null) {
    problems.push(`metadata Version '${version}' is not a valid PEP 440 version`);
  } else {
    // Wheel names escape `-` as `_`; versions compare as PEP 440 says (1.0 == 1.0.0).
    const fileVersion = filename.version.replace(/_/g, "-");
    if (validVersion(fileVersion) === null || !sameVersion(fileVersion, version)) {
      problems.push(
        `file name says version '${filename.version}' but metadata Version is '${version}'`,
      );
    }
  }
  if (problems.length === 0 && rules.pep625 && filename.kind === "sdist") {
    const expected = `${normalizeName(name).replace(/-/g, "_")}-${canonicalVersion(version)}.tar.gz`;
    const actual = `${filename.name}-${filename.version}.tar.gz`;
    if (actual !== expected) {
      problems.push(
        `PyPI refuses this sdist name (PEP 625): it must be '${expected}'. Rebuild with a current build backend (setuptools >= 69.3, flit >= 3.10, hatchling, uv)`,
      );
    }
  }
  return problems;
}

// @renovatebot/pep440's clean() joins the local segments with commas ("1.0+ubuntu,1"): PEP 440
// joins them with dots.
function canonicalVersion(version: string): string {
  return (normalizeVersion(version) ?? version).replace(/,/g, ".");
}
