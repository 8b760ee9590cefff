// PyPI / TestPyPI: Warehouse's `warehouse/forklift/legacy.py` (file_upload) and
// `warehouse/forklift/forms.py` (UploadForm), checks in the same order as Warehouse runs them.
// Every error is a `_exc_with_message`: the message is also the HTTP reason phrase.

import { attestationsError } from "../attestations.ts";
import { isListedUser } from "../auth.ts";
import {
  hasLocalVersion,
  isPep440Version,
  normalizeProjectName,
  parseDistFilename,
  sameVersion,
} from "../filenames.ts";
import { firstField, type UploadForm } from "../multipart.ts";
import {
  type AnswerContext,
  matchSimplePath,
  type PersonalityBehaviour,
  type RegistryState,
  type Repository,
  type UploadDecision,
  type UploadRequest,
} from "../personality.ts";
import { redirectAnswer, warehouseError } from "../responses.ts";
import type { Answer, Credentials } from "../types.ts";

const HELP = "https://pypi.org/help/";
const CORE_METADATA = "https://packaging.python.org/specifications/core-metadata";

export const PYPI_MESSAGES = {
  invalidAuth: `Invalid or non-existent authentication information. See ${HELP}#invalid-auth for more information.`,
  usernamePassword:
    "Username/Password authentication is no longer supported. Migrate to API Tokens or " +
    `Trusted Publishers instead. See ${HELP}#apitoken and ${HELP}#trusted-publishers`,
  digestMismatch: "The digest supplied does not match a digest calculated from the uploaded file.",
  fileExists: (filename: string, blake2: string) =>
    `File already exists ('${filename}', with blake2_256 hash '${blake2}'). ` +
    `See ${HELP}#file-name-reuse for more information.`,
} as const;

const REPOSITORY: Repository = { name: "pypi", uploadPath: "/legacy/", simplePath: "/simple/" };

// Warehouse deletes every field whose value is "UNKNOWN" (what distutils wrote for missing
// metadata) before validating, and then reads the first value of each field.
function field(form: UploadForm, name: string): string | undefined {
  const value = form.fields.find(([k]) => k === name)?.[1];
  return value === undefined || value.trim() === "UNKNOWN" ? undefined : value;
}

/**
 * API tokens only: username `__token__` and a `pypi-` token (or a token minted by trusted
 * publishing, until it expires). Any other username gets Warehouse's migration notice.
 */
export function pypiAuthError(
  credentials: Credentials | undefined,
  state: RegistryState,
): string | undefined {
  if (!credentials) return PYPI_MESSAGES.invalidAuth;
  if (credentials.username !== "__token__") return PYPI_MESSAGES.usernamePassword;
  const minted = state.mintedToken(credentials.password);
  if (minted === "valid") return undefined;
  if (minted === "expired") return PYPI_MESSAGES.invalidAuth;
  const users = state.options.users;
  const accepted = users
    ? isListedUser(users, credentials)
    : credentials.password.startsWith("pypi-") && credentials.password.length > "pypi-".length;
  return accepted ? undefined : PYPI_MESSAGES.invalidAuth;
}

const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const HEX64 = /^[A-F0-9]{64}$/i;
const FILETYPE_EXTENSIONS: Record<string, string[]> = {
  sdist: [".zip", ".tar.gz"],
  bdist_wheel: [".whl"],
};

/** UploadForm.validate(): field validators first, then pyversion and digest presence. */
export function uploadFormError(form: UploadForm): string | undefined {
  const name = field(form, "name");
  const filetype = field(form, "filetype");
  const sha256 = field(form, "sha256_digest");
  const blake2 = field(form, "blake2_256_digest");
  const errors = new Map<string, string>();
  if (!name) {
    errors.set(
      "name",
      `'${name ?? ""}' is an invalid value for Name. Error: This field is required. See ${CORE_METADATA} for more information.`,
    );
  } else if (!PROJECT_NAME.test(name)) {
    errors.set(
      "name",
      `'${name}' is an invalid value for Name. Error: Start and end with a letter or numeral ` +
        `containing only ASCII numeric and '.', '_' and '-'. See ${CORE_METADATA} for more information.`,
    );
  }
  if (!filetype) {
    errors.set("filetype", "Invalid value for filetype. Error: This field is required.");
  } else if (!(filetype in FILETYPE_EXTENSIONS)) {
    errors.set("filetype", "Invalid value for filetype. Error: Use a known file type.");
  }
  if (sha256 && !HEX64.test(sha256)) {
    errors.set(
      "sha256_digest",
      "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest.",
    );
  }
  if (blake2 && !HEX64.test(blake2)) {
    errors.set(
      "blake2_256_digest",
      "Invalid value for blake2_256_digest. Error: Use a valid, hex-encoded, BLAKE2 message digest.",
    );
  }
  // Warehouse reports "name" first, then the alphabetically first field in error.
  const first = errors.get("name") ?? [...errors.keys()].sort().map((k) => errors.get(k))[0];
  if (first) return first;

  const pyversion = field(form, "pyversion");
  if (filetype !== "sdist" && !pyversion) {
    return "Invalid value for pyversion. Error: Python version is required for binary distribution uploads.";
  }
  if (filetype === "sdist" && pyversion && pyversion !== "source") {
    return "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist.";
  }
  if (!field(form, "md5_digest") && !sha256 && !blake2) {
    return "Error: Include at least one message digest.";
  }
  return undefined;
}

const METADATA_VERSIONS = new Set(["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"]);

/**
 * `metadata.parse(form_data=...)`: packaging's Metadata plus Warehouse's own rules. The texts of
 * the "required field" and "invalid version" errors come from `packaging.metadata` and are
 * approximated here; the supported versions and the local-version rule are Warehouse's.
 */
export function metadataError(form: UploadForm): string | undefined {
  const see = ` See ${CORE_METADATA} for more information.`;
  const metadataVersion = field(form, "metadata_version");
  const version = field(form, "version");
  if (!metadataVersion) return `'metadata-version' is a required field.${see}`;
  if (!METADATA_VERSIONS.has(metadataVersion)) {
    return `'${metadataVersion}' is not a valid metadata version.${see}`;
  }
  if (!version) return `'version' is a required field.${see}`;
  if (!isPep440Version(version)) return `'${version}' is invalid for 'version'.${see}`;
  if (hasLocalVersion(version)) {
    return `The use of local versions in '${version}' is not allowed.${see}`;
  }
  return undefined;
}

/** `_validate_filename`: printable, no path separators, an extension that fits the filetype. */
export function filenameError(filename: string, filetype: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
  if (/[\x00-\x1f\x7f]/.test(filename)) {
    return "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.";
  }
  if (filename.includes("/") || filename.includes("\\")) {
    return "Cannot upload a file with '/' or '\\' in the name.";
  }
  // Eggs (and every other old format) end up here since Warehouse stopped accepting them.
  const match = /^.+?(\.(tar\.gz|zip|whl))$/i.exec(filename);
  if (!match?.[1]) {
    return (
      "Invalid file extension: Use .tar.gz, .whl or .zip extension. See " +
      "https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information"
    );
  }
  if (!FILETYPE_EXTENSIONS[filetype]?.includes(match[1])) {
    return (
      `Invalid file extension: Extension ${match[1]} is invalid for filetype ${filetype}. ` +
      "See https://www.python.org/dev/peps/pep-0527 for more information."
    );
  }
  return undefined;
}

/** The file name against the project name and version (PEP 625 for sdists, PEP 427 for wheels). */
export function filenameMetadataError(
  filename: string,
  filetype: string,
  name: string,
  version: string,
): string | undefined {
  const normalized = normalizeProjectName(name);
  const underscored = normalized.replace(/-/g, "_");
  const parsed = parseDistFilename(filename);
  if (filetype === "sdist") {
    if (!parsed) return `Invalid source distribution filename: ${filename}`;
    if (normalizeProjectName(parsed.name) !== normalized) {
      return `Start filename for '${name}' with '${underscored}'.`;
    }
    const expected = `${underscored}-${version}.tar.gz`;
    if (filename !== expected) return `Filename '${filename}' is invalid, should be '${expected}'.`;
    return undefined;
  }
  if (!parsed) return `Invalid wheel filename (wrong number of parts): '${filename}'`;
  if (normalizeProjectName(parsed.name) !== normalized) {
    return `Start filename for '${name}' with '${underscored}'.`;
  }
  if (parsed.name !== underscored) {
    return `Filename '${filename}' should contain the normalized project name '${underscored}', not '${parsed.name}'.`;
  }
  if (!sameVersion(parsed.version, version)) {
    return `Version in filename should be '${version}' not '${parsed.version}'.`;
  }
  return undefined;
}

function decideUpload(request: UploadRequest, state: RegistryState): UploadDecision {
  const { form } = request;
  const accept = request.headers.accept;
  const refuse = (status: number, message: string): UploadDecision => ({
    kind: "refuse",
    answer: warehouseError(status, message, accept),
  });

  // Warehouse routes on `:action` before anything else; `submit` (pre-registration) is gone.
  const action = field(form, ":action");
  if (action === "submit") {
    return refuse(
      410,
      "Project pre-registration is no longer required or supported, upload your files instead.",
    );
  }
  if (action !== "file_upload") {
    // No Warehouse view matches another action; this text is ours.
    return refuse(400, `Unsupported ':action' value: '${action ?? ""}'. Use 'file_upload'.`);
  }

  const authError = pypiAuthError(request.credentials, state);
  if (authError) return refuse(403, authError);

  if ((field(form, "protocol_version") ?? "1") !== "1") {
    return refuse(400, "Unknown protocol version.");
  }

  const formError = uploadFormError(form) ?? metadataError(form);
  if (formError) return refuse(400, formError);

  const file = form.file;
  if (!file) return refuse(400, "Upload payload does not have a file.");

  const name = field(form, "name") ?? "";
  const version = field(form, "version") ?? "";
  const filetype = field(form, "filetype") ?? "";
  const badName = filenameError(file.filename, filetype);
  if (badName) return refuse(400, badName);
  if (file.mimeType.startsWith("image/")) return refuse(400, "Invalid distribution file.");

  // Every digest sent must match (md5 included); at least one was required above.
  const sent: [string | undefined, string][] = [
    [field(form, "md5_digest"), file.md5],
    [field(form, "sha256_digest"), file.sha256],
    [field(form, "blake2_256_digest"), file.blake2_256],
  ];
  if (sent.some(([claimed, actual]) => claimed && claimed.toLowerCase() !== actual)) {
    return refuse(400, PYPI_MESSAGES.digestMismatch);
  }

  // `_is_duplicate_file`: a file with this name *or* these bytes exists. The same name with the
  // same bytes is a successful no-op (a retried upload is safe); anything else is refused.
  const existing = state.store
    .inRepository(REPOSITORY.name)
    .find((f) => f.filename === file.filename || f.blake2_256 === file.blake2_256);
  if (existing) {
    if (
      existing.filename === file.filename &&
      existing.sha256 === file.sha256 &&
      existing.blake2_256 === file.blake2_256
    ) {
      return { kind: "keep", answer: okAnswer() };
    }
    return refuse(400, PYPI_MESSAGES.fileExists(file.filename, file.blake2_256));
  }

  const project = normalizeProjectName(name);
  if (filetype === "sdist" && releaseHasSdist(state, project, version)) {
    return refuse(400, "Only one sdist may be uploaded per release.");
  }

  const mismatch = filenameMetadataError(file.filename, filetype, name, version);
  if (mismatch) return refuse(400, mismatch);

  const attestations = field(form, "attestations");
  if (attestations !== undefined) {
    const viaTrustedPublishing =
      request.credentials !== undefined &&
      state.mintedToken(request.credentials.password) === "valid";
    const problem = attestationsError(attestations, viaTrustedPublishing, file);
    if (problem) return refuse(400, problem);
  }

  return { kind: "store", answer: okAnswer(), project, version, warnings: [] };
}

function releaseHasSdist(state: RegistryState, project: string, version: string): boolean {
  return state.store
    .projectFiles(REPOSITORY.name, project)
    .some((f) => sameVersion(f.version, version) && firstField(f.fields, "filetype") === "sdist");
}

/** Warehouse answers a successful upload with an empty 200. */
function okAnswer(): Answer {
  return { status: 200, headers: { "content-type": "text/html; charset=UTF-8" }, body: "" };
}

export const pypi: PersonalityBehaviour = {
  repositories: () => [REPOSITORY],

  routeUpload(pathname, _state, context) {
    if (pathname === REPOSITORY.uploadPath) return REPOSITORY;
    // TestPyPI redirects the slash-less URL (uv's test `upload_redirect_308`).
    if (pathname === "/legacy") return redirectAnswer(308, "/legacy/");
    // pypi.org answers an upload to its front page with 405 (twine: "It appears you're trying to
    // upload to pypi.org but have an invalid URL").
    if (pathname === "/") {
      return warehouseError(
        405,
        "The method POST is not allowed for this resource.",
        context.accept,
        {
          messageInStatusLine: false,
        },
      );
    }
    return warehouseError(404, "The resource could not be found.", context.accept, {
      messageInStatusLine: false,
    });
  },

  routeOther(method, pathname, context) {
    if (pathname === "/" || pathname === REPOSITORY.uploadPath || pathname === "/legacy") {
      return warehouseError(
        405,
        `The method ${method} is not allowed for this resource.`,
        context.accept,
        { messageInStatusLine: false },
      );
    }
    return undefined;
  },

  routeSimple: (pathname) => matchSimplePath(pathname, REPOSITORY),

  decideUpload,

  error(status, message, context: AnswerContext) {
    return warehouseError(status, message, context.accept);
  },

  projectNotFound(_project, context) {
    return warehouseError(404, "The resource could not be found.", context.accept, {
      messageInStatusLine: false,
    });
  },

  // files.pythonhosted.org layout: the BLAKE2b-256 digest split 2/2/60, then the file name.
  downloadPath: (_repository, file) =>
    `/packages/${file.blake2_256.slice(0, 2)}/${file.blake2_256.slice(2, 4)}/${file.blake2_256.slice(4)}/${file.filename}`,

  redirectsToCanonicalSimplePath: true,
};
