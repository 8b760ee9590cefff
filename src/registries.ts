// Known registries: how to recognise one from its upload URL, and what it needs.
// Facts and answer texts come from ../shared/registries.md (Warehouse, GitLab, pypiserver source;
// twine's and uv's issue trackers).

export type RegistryKind =
  | "pypi"
  | "testpypi"
  | "gitlab"
  | "gitea"
  | "nexus"
  | "artifactory"
  | "codeartifact"
  | "azure"
  | "google"
  | "generic";

export interface RegistryProfile {
  kind: RegistryKind;
  /** Human name used in messages. */
  label: string;
  /** Artifactory warns "Client did not publish a checksum value" without an MD5 (uv issue 10202). */
  needsMd5: boolean;
  /** Where the PEP 503/691 simple index lives, to check what the registry already holds. */
  simpleIndexUrl: URL | undefined;
  /** PyPI or TestPyPI themselves. */
  isPypi: boolean;
  /** Set when the URL can never take an upload (GitLab's group endpoint, a simple index). */
  readOnly?: { message: string; hint: string };
  /** Warehouse's upload API (`/legacy/`): API tokens and trusted publishing (`/_/oidc/`). */
  warehouse: boolean;
}

export const PYPI_UPLOAD_URL = "https://upload.pypi.org/legacy/";
export const TESTPYPI_UPLOAD_URL = "https://test.pypi.org/legacy/";

/** The `--repository` names pypush knows, as twine's and uv's built-in indexes. */
export const NAMED_REPOSITORIES: Record<string, string> = {
  pypi: PYPI_UPLOAD_URL,
  testpypi: TESTPYPI_UPLOAD_URL,
};

export function recognizeRegistry(url: URL): RegistryProfile {
  const host = url.hostname.toLowerCase();
  const path = url.pathname;
  const profile = (
    kind: RegistryKind,
    label: string,
    simpleIndexUrl: URL | undefined,
  ): RegistryProfile => ({
    kind,
    label,
    needsMd5: kind === "artifactory",
    simpleIndexUrl,
    isPypi: kind === "pypi" || kind === "testpypi",
    warehouse: kind === "pypi" || kind === "testpypi" || /\/legacy\/?$/.test(path),
  });
  if (host === "upload.pypi.org" || host === "pypi.org") {
    return profile("pypi", "PyPI", new URL("https://pypi.org/simple/"));
  }
  if (host === "test.pypi.org") {
    return profile("testpypi", "TestPyPI", new URL("https://test.pypi.org/simple/"));
  }
  const group = path.match(/^(.*\/api\/v4)\/groups\/([^/]+)\/-\/packages\/pypi/);
  if (group) {
    return {
      ...profile("gitlab", "GitLab", new URL(`${path.replace(/\/$/, "")}/simple/`, url)),
      readOnly: {
        message: `${url.href} is GitLab's group endpoint, which is read-only (simple index only)`,
        hint: `upload to a project of the group: ${url.origin}${group[1]}/projects/<project id or url-encoded path>/packages/pypi (then install from the group URL)`,
      },
    };
  }
  const simple = path.match(/\/simple\/?$/);
  if (simple && !path.includes("/api/v4/")) {
    return {
      ...profile("generic", url.host, undefined),
      readOnly: {
        message: `${url.href} is a simple index (for installing), not an upload URL`,
        hint:
          host === "pypi.org" || host === "test.pypi.org"
            ? `use https://${host === "pypi.org" ? "upload.pypi.org" : "test.pypi.org"}/legacy/`
            : "use the registry's upload URL (see its documentation for twine)",
      },
    };
  }
  const gitlab = path.match(/^(.*\/api\/v4\/projects\/[^/]+\/packages\/pypi)\/?$/);
  if (gitlab) return profile("gitlab", "GitLab", new URL(`${gitlab[1]}/simple/`, url));
  const gitea = path.match(/^(.*\/api\/packages\/[^/]+\/pypi)\/?$/);
  if (gitea) return profile("gitea", "Gitea/Forgejo", new URL(`${gitea[1]}/simple/`, url));
  const artifactory = path.match(/^(.*\/api\/pypi\/[^/]+)\/?$/);
  if (artifactory || host.endsWith(".jfrog.io")) {
    const base = artifactory?.[1] ?? path.replace(/\/$/, "");
    return profile("artifactory", "Artifactory", new URL(`${base}/simple/`, url));
  }
  const nexus = path.match(/^(.*\/repository\/[^/]+)\/?$/);
  if (nexus) return profile("nexus", "Nexus", new URL(`${nexus[1]}/simple/`, url));
  if (/\.codeartifact\.[^.]+\.amazonaws\.com$/.test(host)) {
    return profile("codeartifact", "AWS CodeArtifact", new URL("simple/", ensureSlash(url)));
  }
  if (host === "pkgs.dev.azure.com" || host.endsWith(".pkgs.visualstudio.com")) {
    return profile("azure", "Azure Artifacts", undefined);
  }
  if (host.endsWith("-python.pkg.dev"))
    return profile("google", "Google Artifact Registry", undefined);
  // Warehouse's layout (`/legacy/` for uploads, `/simple/` beside it) is common to Warehouse
  // deployments and mirrors of it; pypiserver serves `/simple/` under the upload root.
  const warehouse = path.match(/^(.*\/)legacy\/?$/);
  if (warehouse) return profile("generic", url.host, new URL(`${warehouse[1]}simple/`, url));
  return profile("generic", url.host, new URL("simple/", ensureSlash(url)));
}

function ensureSlash(url: URL): URL {
  const copy = new URL(url);
  if (!copy.pathname.endsWith("/")) copy.pathname += "/";
  return copy;
}
