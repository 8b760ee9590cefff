// Gitea / Forgejo (`routers/api/packages/pypi/pypi.go`, UploadPackageFile). Package API errors
// are plain text; success is an empty 201.
import { basicAuthAccepted } from "../auth.ts";
import { isPep440Version, normalizeProjectName } from "../filenames.ts";
import { firstField } from "../multipart.ts";
import {
  matchSimplePath,
  type PersonalityBehaviour,
  type RegistryState,
  type Repository,
  type UploadDecision,
  type UploadRequest,
} from "../personality.ts";
import { plainText } from "../responses.ts";

const OWNER = "owner";
const BASE = `/api/packages/${OWNER}/pypi`;
const REPOSITORY: Repository = { name: OWNER, uploadPath: BASE, simplePath: `${BASE}/simple/` };

// Gitea's `nameMatcher`, applied after replacing runs of `-_.` with `-`.
const NAME = /^(?:[a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$/i;

function decideUpload(request: UploadRequest, state: RegistryState): UploadDecision {
  const refuse = (status: number, message: string, headers: Record<string, string> = {}) => ({
    kind: "refuse" as const,
    answer: plainText(status, message, headers),
  });
  if (!basicAuthAccepted(state.options.users, request.credentials)) {
    return refuse(401, "Unauthorized", { "www-authenticate": 'Basic realm="Gitea Package API"' });
  }
  const file = request.form.file;
  if (!file) return refuse(400, "http: no such file");
  // The sha256_digest field is required in practice: it must equal the received bytes' digest.
  const sha256 = firstField(request.form.fields, "sha256_digest") ?? "";
  if (sha256.toLowerCase() !== file.sha256) return refuse(400, "hash mismatch");
  const name = normalizeProjectName(firstField(request.form.fields, "name") ?? "");
  const version = firstField(request.form.fields, "version") ?? "";
  if (!NAME.test(name) || !isPep440Version(version)) return refuse(400, "invalid name or version");
  if (state.store.byFilename(REPOSITORY.name, file.filename)) {
    return refuse(409, "package file already exists");
  }
  return {
    kind: "store",
    answer: { status: 201, headers: {}, body: "" },
    project: name,
    version,
    warnings: [],
  };
}

export const gitea: PersonalityBehaviour = {
  repositories: () => [REPOSITORY],

  routeUpload(pathname) {
    if (pathname === BASE || pathname === `${BASE}/`) return REPOSITORY;
    return plainText(404, "Not Found");
  },

  routeSimple: (pathname) => matchSimplePath(pathname, REPOSITORY),

  decideUpload,

  error: (status, message) => plainText(status, message),

  projectNotFound: () => plainText(404, "package does not exist"),

  downloadPath: (_repository, file) =>
    `${BASE}/files/${file.project}/${file.version}/${file.filename}`,

  redirectsToCanonicalSimplePath: false,
};
