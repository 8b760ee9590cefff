// Checks a distribution's file name against its own metadata, as Warehouse does on upload.
import { clean as normalizeVersion } from "@renovatebot/pep440";
import { isValidProjectName, normalizeName, type ParsedFilename } from "./filename.ts";
import { type CoreMetadata, first } from "./metadata.ts";

/** Every mismatch between the file name and the metadata; an empty list means consistent. */
export function validateDistribution(filename: ParsedFilename, metadata: CoreMetadata): string[] {
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
  const metadataVersion = normalizeVersion(version);
  if (metadataVersion === null) {
    problems.push(`metadata Version '${version}' is not a valid PEP 440 version`);
  } else {
    const fileVersion = normalizeVersion(filename.version.replace(/_/g, "-"));
    if (fileVersion !== metadataVersion) {
      problems.push(
        `file name says version '${filename.version}' but metadata Version is '${version}'`,
      );
    }
  }
  return problems;
}
