// Distribution file names: the wheel grammar (`{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`,
// the binary distribution format spec) and the sdist one (`{name}-{version}.tar.gz`, PEP 625).

export type DistributionKind = "wheel" | "sdist";

export interface WheelTags {
  python: string;
  abi: string;
  platform: string;
  build: string | undefined;
}

export type ParsedFilename =
  | { kind: "wheel"; name: string; version: string; tags: WheelTags }
  | { kind: "sdist"; name: string; version: string };

export type FilenameParse = { ok: true; filename: ParsedFilename } | { ok: false; problem: string };

// Formats Warehouse (PyPI) no longer accepts, with its reason; other registries follow PyPI here.
const LEGACY_FORMATS: [suffix: string, reason: string][] = [
  [".egg", "eggs are no longer accepted by PyPI; build a wheel instead (python -m build)"],
  [".exe", "bdist_wininst installers are no longer accepted by PyPI; build a wheel instead"],
  [".msi", "bdist_msi installers are no longer accepted by PyPI; build a wheel instead"],
  [".rpm", "bdist_rpm packages are not accepted by PyPI; build a wheel instead"],
  [".dmg", "bdist_dmg images are not accepted by PyPI; build a wheel instead"],
  [".tar.bz2", "sdists must be .tar.gz (PEP 625); rebuild it with python -m build --sdist"],
  [".tar.xz", "sdists must be .tar.gz (PEP 625); rebuild it with python -m build --sdist"],
  [".tar.Z", "sdists must be .tar.gz (PEP 625); rebuild it with python -m build --sdist"],
  [".tgz", "sdists must be named .tar.gz (PEP 625); rebuild it with python -m build --sdist"],
  [".tar", "sdists must be gzip-compressed .tar.gz (PEP 625); rebuild it with python -m build"],
  [
    ".zip",
    "zip sdists are no longer accepted (PEP 625: sdists are .tar.gz); rebuild with python -m build --sdist",
  ],
];

const TAG_PART = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;
const PYTHON_TAG = /^[A-Za-z]+[0-9_]*[A-Za-z0-9_]*(\.[A-Za-z]+[0-9_]*[A-Za-z0-9_]*)*$/;

/** The reason a file name is a format pypush refuses, or undefined when it is not a legacy one. */
export function legacyFormatReason(filename: string): string | undefined {
  return LEGACY_FORMATS.find(([suffix]) => filename.endsWith(suffix))?.[1];
}

/** True when the name is a distribution pypush can upload (by its suffix alone). */
export function isDistributionName(filename: string): boolean {
  return filename.endsWith(".whl") || filename.endsWith(".tar.gz");
}

export function parseFilename(filename: string): FilenameParse {
  if (filename.endsWith(".whl")) return parseWheelFilename(filename);
  if (filename.endsWith(".tar.gz")) return parseSdistFilename(filename);
  const legacy = legacyFormatReason(filename);
  return {
    ok: false,
    problem: legacy ?? "not a distribution: only wheels (.whl) and sdists (.tar.gz) are uploaded",
  };
}

function parseWheelFilename(filename: string): FilenameParse {
  const parts = filename.slice(0, -".whl".length).split("-");
  if (parts.length !== 5 && parts.length !== 6) {
    return {
      ok: false,
      problem: `invalid wheel file name: expected {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, got ${parts.length} dash-separated parts`,
    };
  }
  const [name, version] = parts as [string, string];
  const build = parts.length === 6 ? parts[2] : undefined;
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  if (!/^[A-Za-z0-9_.]+$/.test(name) || !/[A-Za-z0-9]$/.test(name)) {
    return { ok: false, problem: `invalid wheel file name: bad distribution name '${name}'` };
  }
  if (version === "") return { ok: false, problem: "invalid wheel file name: empty version" };
  if (build !== undefined && !/^[0-9][A-Za-z0-9_.]*$/.test(build)) {
    return {
      ok: false,
      problem: `invalid wheel file name: build tag '${build}' must start with a digit`,
    };
  }
  if (!PYTHON_TAG.test(python)) {
    return { ok: false, problem: `invalid wheel tags: bad python tag '${python}'` };
  }
  if (!TAG_PART.test(abi))
    return { ok: false, problem: `invalid wheel tags: bad abi tag '${abi}'` };
  if (!TAG_PART.test(platform)) {
    return { ok: false, problem: `invalid wheel tags: bad platform tag '${platform}'` };
  }
  return {
    ok: true,
    filename: { kind: "wheel", name, version, tags: { python, abi, platform, build } },
  };
}

function parseSdistFilename(filename: string): FilenameParse {
  const stem = filename.slice(0, -".tar.gz".length);
  const dash = stem.lastIndexOf("-");
  if (dash <= 0 || dash === stem.length - 1) {
    return {
      ok: false,
      problem: "invalid sdist file name: expected {name}-{version}.tar.gz",
    };
  }
  return {
    ok: true,
    filename: { kind: "sdist", name: stem.slice(0, dash), version: stem.slice(dash + 1) },
  };
}

/** PEP 503 normalization: lower case, runs of `-`, `_` and `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** PEP 508 names: ASCII letters and digits, with `.`, `-`, `_` inside. */
export function isValidProjectName(name: string): boolean {
  return /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/.test(name);
}
