// The upload form: the fields twine and uv send for a file (../shared/registries.md), built from
// the inspected distribution. Pure: the file itself is added by body.ts.
import type { Distribution } from "../distributions/distribution.ts";
import { first } from "../distributions/metadata.ts";

export type FormField = readonly [name: string, value: string];

// Core metadata header -> form field, in the order twine sends them. Every value of a repeated
// header becomes its own field.
const METADATA_FIELDS: [header: string, field: string][] = [
  ["summary", "summary"],
  ["home-page", "home_page"],
  ["author", "author"],
  ["author-email", "author_email"],
  ["maintainer", "maintainer"],
  ["maintainer-email", "maintainer_email"],
  ["license", "license"],
  ["license-expression", "license_expression"],
  ["license-file", "license_file"],
  ["keywords", "keywords"],
  ["platform", "platform"],
  ["classifier", "classifiers"],
  ["download-url", "download_url"],
  ["supported-platform", "supported_platform"],
  ["provides", "provides"],
  ["requires", "requires"],
  ["obsoletes", "obsoletes"],
  ["project-url", "project_urls"],
  ["provides-dist", "provides_dist"],
  ["obsoletes-dist", "obsoletes_dist"],
  ["requires-dist", "requires_dist"],
  ["requires-external", "requires_external"],
  ["provides-extra", "provides_extra"],
  ["description-content-type", "description_content_type"],
  ["dynamic", "dynamic"],
];

export function buildUploadForm(
  dist: Distribution,
  options: { md5: boolean; attestations: string | undefined },
): FormField[] {
  const { metadata, parsed, digests } = dist;
  const fields: FormField[] = [
    [":action", "file_upload"],
    ["protocol_version", "1"],
    ["name", first(metadata.headers, "name") ?? ""],
    ["version", first(metadata.headers, "version") ?? ""],
    ["filetype", parsed.kind === "wheel" ? "bdist_wheel" : "sdist"],
    // PyPI: "Use 'source' as Python version for an sdist."; twine takes a wheel's from its name.
    ["pyversion", parsed.kind === "wheel" ? parsed.tags.python : "source"],
    ["metadata_version", metadata.metadataVersion],
  ];
  for (const [header, field] of METADATA_FIELDS) {
    for (const value of metadata.headers.get(header) ?? []) fields.push([field, value]);
  }
  if (metadata.description !== undefined) fields.push(["description", metadata.description]);
  // GitLab refuses an upload without requires_python; uv always sends it, empty when absent.
  fields.push(["requires_python", first(metadata.headers, "requires-python") ?? ""]);
  fields.push(["sha256_digest", digests.sha256]);
  fields.push(["blake2_256_digest", digests.blake2_256]);
  // Never an empty digest: an empty md5_digest made Nexus answer "Digests do not match".
  if (options.md5 && digests.md5) fields.push(["md5_digest", digests.md5]);
  // PEP 740: a JSON array of attestation objects; never an empty one (PyPI refuses `[]`).
  if (options.attestations) fields.push(["attestations", options.attestations]);
  return fields;
}
