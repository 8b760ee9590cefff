// Sonatype Nexus Repository, a PyPI hosted repository named `pypi-hosted`. Known from twine's
// rules and issues: the reason phrase carries the message (twine matches "updating asset" in the
// reason or the body), and an empty `md5_digest` field fails as "Digests do not match" (twine
// issue 775). Success: 200.
import { basicAuthAccepted } from "../auth.ts";
import { normalizeProjectName } from "../filenames.ts";
import { firstField } from "../multipart.ts";
import {
  matchSimplePath,
  nameAndVersion,
  type PersonalityBehaviour,
  type RegistryState,
  type Repository,
  type UploadDecision,
  type UploadRequest,
} from "../personality.ts";
import { plainText } from "../responses.ts";

const NAME = "pypi-hosted";
const REPOSITORY: Repository = {
  name: NAME,
  uploadPath: `/repository/${NAME}/`,
  simplePath: `/repository/${NAME}/simple/`,
};

export const nexusDuplicateMessage = `Repository does not allow updating assets: ${NAME}`;

/** Nexus puts its message in the status line and the body alike. */
function nexusError(status: number, message: string, headers: Record<string, string> = {}) {
  return plainText(status, message, headers, message);
}

function decideUpload(request: UploadRequest, state: RegistryState): UploadDecision {
  const refuse = (status: number, message: string, headers: Record<string, string> = {}) => ({
    kind: "refuse" as const,
    answer: nexusError(status, message, headers),
  });
  if (!basicAuthAccepted(state.options.users, request.credentials)) {
    return refuse(401, "Unauthorized", {
      "www-authenticate": 'BASIC realm="Sonatype Nexus Repository Manager"',
    });
  }
  const file = request.form.file;
  if (!file) return refuse(400, "Missing content");
  // A digest field that is present must match, and an empty one never does.
  const md5 = firstField(request.form.fields, "md5_digest");
  const sha256 = firstField(request.form.fields, "sha256_digest");
  if (
    (md5 !== undefined && md5.toLowerCase() !== file.md5) ||
    (sha256 !== undefined && sha256.toLowerCase() !== file.sha256)
  ) {
    return refuse(400, "Digests do not match");
  }
  if (state.store.byFilename(REPOSITORY.name, file.filename)) {
    return refuse(400, nexusDuplicateMessage);
  }
  const { name, version } = nameAndVersion(request.form);
  return {
    kind: "store",
    answer: { status: 200, headers: {}, body: "" },
    project: normalizeProjectName(name),
    version,
    warnings: [],
  };
}

export const nexus: PersonalityBehaviour = {
  repositories: () => [REPOSITORY],

  routeUpload(pathname) {
    if (pathname === REPOSITORY.uploadPath || `${pathname}/` === REPOSITORY.uploadPath) {
      return REPOSITORY;
    }
    return nexusError(404, "Not Found");
  },

  routeSimple: (pathname) => matchSimplePath(pathname, REPOSITORY),

  decideUpload,

  error: (status, message) => nexusError(status, message),

  projectNotFound: () => nexusError(404, "Not Found"),

  downloadPath: (_repository, file) =>
    `/repository/${NAME}/packages/${file.project}/${file.version}/${file.filename}`,

  redirectsToCanonicalSimplePath: false,
};
