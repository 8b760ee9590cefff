import type { ParsedFilename } from "./filename.ts";
import type { CoreMetadata } from "./metadata.ts";

export interface Digests {
  sha256: string;
  blake2_256: string;
  /** Only computed for registries that need it (Artifactory). */
  md5: string | undefined;
}

/** A distribution that passed inspection: safe to upload as is. */
export interface Distribution {
  path: string;
  filename: string;
  size: number;
  parsed: ParsedFilename;
  metadata: CoreMetadata;
  digests: Digests;
}

/** A problem with one file found before anything was sent. */
export interface DistributionProblem {
  file: string;
  message: string;
}
