// JFrog Artifactory, a local PyPI repository named `pypi-local`. Errors are JSON
// `{"errors": [{"status": ..., "message": ...}]}`. A duplicate needs DELETE permission to be
// overwritten, so it is a 403 (twine matches "overwrite artifact" in the body). Without an
// `md5_digest` field the upload succeeds but the UI flags the file (uv issue 10202).
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
import { jsonAnswer } from "../responses.ts";

const NAME = "pypi-local";
const REPOSITORY: Repository = {
  name: NAME,
  uploadPath: `/artifactory/api/pypi/${NAME}`,
  simplePath: `/artifactory/api/pypi/${NAME}/simple/`,
};

export const ARTIFACTORY_MISSING_MD5_WARNING =
  "Client did not publish a checksum value. If you trust the uploaded artifact you can accept " +
  "the actual checksum by clicking the 'Fix Checksum' button.";

export const artifactoryDuplicateMessage = (path: string, user: string) =>
  `Not enough permissions to delete/overwrite artifact '${NAME}:${path}' (user: '${user}' needs DELETE permission).`;

function artifactoryError(status: number, message: string, headers: Record<string, string> = {}) {
  return jsonAnswer(status, { errors: [{ status, message }] }, headers);
}

function decideUpload(request: UploadRequest, state: RegistryState): UploadDecision {
  const refuse = (status: number, message: string, headers: Record<string, string> = {}) => ({
    kind: "refuse" as const,
    answer: artifactoryError(status, message, headers),
  });
  const credentials = request.credentials;
  if (!basicAuthAccepted(state.options.users, credentials)) {
    return refuse(401, "Bad credentials", {
      "www-authenticate": 'Basic realm="Artifactory Realm"',
    });
  }
  const file = request.form.file;
  if (!file) return refuse(400, "Missing file content");
  const { name, version } = nameAndVersion(request.form);
  if (state.store.byFilename(REPOSITORY.name, file.filename)) {
    const path = `${name}/${version}/${file.filename}`;
    return refuse(403, artifactoryDuplicateMessage(path, credentials?.username ?? "anonymous"));
  }
  const md5 = firstField(request.form.fields, "md5_digest");
  return {
    kind: "store",
    answer: { status: 200, headers: {}, body: "" },
    project: normalizeProjectName(name),
    version,
    warnings: md5 ? [] : [ARTIFACTORY_MISSING_MD5_WARNING],
  };
}

export const artifactory: PersonalityBehaviour = {
  repositories: () => [REPOSITORY],

  routeUpload(pathname) {
    if (pathname === REPOSITORY.uploadPath || pathname === `${REPOSITORY.uploadPath}/`) {
      return REPOSITORY;
    }
    return artifactoryError(404, "Not Found");
  },

  routeSimple: (pathname) => matchSimplePath(pathname, REPOSITORY),

  decideUpload,

  error: (status, message) => artifactoryError(status, message),

  projectNotFound: () => artifactoryError(404, "Not Found"),

  downloadPath: (_repository, file) =>
    `/artifactory/${NAME}/${file.project}/${file.version}/${file.filename}`,

  redirectsToCanonicalSimplePath: false,
};
