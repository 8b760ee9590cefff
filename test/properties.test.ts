// Properties of the pure parsers at the edge (file names, core metadata, and the check of one
// against the other), tried on generated input: arbitrary bytes and strings never crash them, and
// whatever they accept satisfies the grammar it claims to have parsed. Each property runs a few
// hundred cases so the file stays fast; fast-check prints a seed and a shrunk counterexample on
// failure, and `examples` pin counterexamples found before so they are tried on every run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { eq as sameVersion, valid as validVersion } from "@renovatebot/pep440";
import fc from "fast-check";
import {
  isValidProjectName,
  legacyFormatReason,
  normalizeName,
  parseFilename,
} from "../src/distributions/filename.ts";
import { KNOWN_METADATA_VERSIONS, parseCoreMetadata } from "../src/distributions/metadata.ts";
import { validateDistribution } from "../src/distributions/validate.ts";

const runs = { numRuns: 300 };
const utf8 = (text: string) => new TextEncoder().encode(text);

// ---------------------------------------------------------------------------------------------
// Generators for the domain: project names, PEP 440 versions, metadata headers.

const LETTERS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"];
const ALNUM = [...LETTERS, ..."0123456789"];
const alnum = fc.constantFrom(...ALNUM);

/** PEP 508 project names: letters and digits, with `.`, `-`, `_` inside. */
const projectName = fc.oneof(
  alnum,
  fc
    .tuple(
      alnum,
      fc.string({ unit: fc.constantFrom(...ALNUM, ".", "-", "_"), maxLength: 12 }),
      alnum,
    )
    .map(([head, middle, tail]) => head + middle + tail),
);

/** A PEP 440 version as a user may spell it, with the canonical form `packaging` prints for it. */
interface Pep440 {
  spelled: string;
  canonical: string;
}

const separator = fc.constantFrom("", ".", "-", "_");
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const small = fc.nat({ max: 30 });

const epoch = small.map((n) => ({ spelled: `${n}!`, canonical: n === 0 ? "" : `${n}!` }));

// Release segments may carry leading zeros: 01.002 is 1.2.
const release = fc
  .array(fc.tuple(fc.nat({ max: 99 }), fc.nat({ max: 2 })), { minLength: 1, maxLength: 4 })
  .map((segments) => ({
    spelled: segments.map(([n, zeros]) => "0".repeat(zeros) + n).join("."),
    canonical: segments.map(([n]) => String(n)).join("."),
  }));

const PRE_SPELLINGS: [canonical: string, spelled: string][] = [
  ["a", "a"],
  ["a", "alpha"],
  ["a", "ALPHA"],
  ["b", "b"],
  ["b", "beta"],
  ["rc", "rc"],
  ["rc", "RC"],
  ["rc", "c"],
  ["rc", "pre"],
  ["rc", "preview"],
];
const preRelease = fc
  .record({
    letter: fc.constantFrom(...PRE_SPELLINGS),
    lead: separator,
    gap: separator,
    n: optional(small),
  })
  .map(({ letter: [canonical, spelled], lead, gap, n }) => ({
    spelled: `${lead}${spelled}${n === undefined ? "" : gap + n}`,
    canonical: `${canonical}${n ?? 0}`,
    numberOmitted: n === undefined,
  }));

const postRelease = fc.oneof(
  fc
    .record({
      word: fc.constantFrom("post", "POST", "rev", "r"),
      lead: separator,
      gap: separator,
      n: optional(small),
    })
    .map(({ word, lead, gap, n }) => ({
      spelled: `${lead}${word}${n === undefined ? "" : gap + n}`,
      canonical: `.post${n ?? 0}`,
      implicit: false,
    })),
  // The implicit form: 1.0-1 is 1.0.post1.
  small.map((n) => ({ spelled: `-${n}`, canonical: `.post${n}`, implicit: true })),
);

const devRelease = fc
  .record({
    word: fc.constantFrom("dev", "DEV"),
    lead: separator,
    gap: separator,
    n: optional(small),
  })
  .map(({ word, lead, gap, n }) => ({
    spelled: `${lead}${word}${n === undefined ? "" : gap + n}`,
    canonical: `.dev${n ?? 0}`,
  }));

// Local segments are lower-cased and joined with dots; numeric ones are written without leading
// zeros here, so their canonical form is their spelling.
const localSegment = fc.oneof(
  fc.nat({ max: 99 }).map(String),
  fc
    .tuple(fc.constantFrom(...LETTERS), fc.string({ unit: alnum, maxLength: 4 }))
    .map(([letter, rest]) => letter + rest),
);
const localVersion = fc
  .array(fc.tuple(localSegment, fc.constantFrom("-", "_", ".")), { minLength: 1, maxLength: 3 })
  .map((segments) => ({
    spelled: `+${segments.map(([segment, sep], i) => (i === 0 ? segment : sep + segment)).join("")}`,
    canonical: `+${segments.map(([segment]) => segment.toLowerCase()).join(".")}`,
  }));

const pep440Version: fc.Arbitrary<Pep440> = fc
  .record({
    epoch: optional(epoch),
    release,
    pre: optional(preRelease),
    post: optional(postRelease),
    dev: optional(devRelease),
    local: optional(localVersion),
  })
  .map(({ epoch, release, pre, post, dev, local }) => {
    // 1.0a-1 reads as 1.0a1, not 1.0a0.post1: spell the implicit pre number out before a `-N`.
    const preSpelled =
      pre && post?.implicit && pre.numberOmitted ? `${pre.spelled}0` : (pre?.spelled ?? "");
    const parts = [epoch, release, pre, post, dev, local];
    return {
      spelled: [
        epoch?.spelled,
        release.spelled,
        preSpelled,
        post?.spelled,
        dev?.spelled,
        local?.spelled,
      ]
        .filter((part) => part !== undefined)
        .join(""),
      canonical: parts.map((part) => part?.canonical ?? "").join(""),
    };
  });

/** Header names of the core metadata specification, other than the three required ones. */
const OPTIONAL_HEADERS = [
  "Summary",
  "Description",
  "Description-Content-Type",
  "Keywords",
  "Home-page",
  "Download-URL",
  "Author",
  "Author-email",
  "Maintainer",
  "Maintainer-email",
  "License",
  "License-Expression",
  "License-File",
  "Classifier",
  "Platform",
  "Supported-Platform",
  "Requires-Dist",
  "Requires-Python",
  "Requires-External",
  "Project-URL",
  "Provides-Extra",
  "Provides-Dist",
  "Obsoletes-Dist",
  "Dynamic",
];

/** Header names as files spell them: any case. */
const headerSpelling = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) =>
      [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(""),
    );

/** A header value on one line: any text, non-ASCII included, without line breaks or edge blanks. */
const headerValue = fc
  .string({ unit: "grapheme", maxLength: 30 })
  .map((text) => text.replace(/[\r\n]/g, "").trim());

// ---------------------------------------------------------------------------------------------
// Core metadata

/** Lines that look like headers, almost-headers, continuations and noise, in any order. */
const metadataLine = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      ...KNOWN_METADATA_VERSIONS.map((version) => `Metadata-Version: ${version}`),
      "Metadata-Version: 3.0",
      "Metadata-Version:",
      "Name: demo",
      "name:demo",
      "Name:",
      "Version: 1.0",
      "VERSION: 2",
      "Name : demo",
      " Name: demo",
      "Version\t: 1",
      "Na me: demo",
      "Summary: x",
      "Description: first",
      "        second",
      "\tcontinued",
      "",
      ":no name",
      "no colon",
      "\uFEFFName: demo",
    ),
  },
  fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([n, v]) => `${n}:${v}`),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
// Mostly lines from the pool above, around the three required headers (some of them missing), so
// that both answers, accepted and refused, are reached.
const metadataSoup = fc
  .tuple(
    fc.constantFrom("", "\uFEFF"),
    fc.array(metadataLine, { maxLength: 4 }),
    fc.shuffledSubarray(["Metadata-Version: 2.1", "Name: demo", "Version: 1.0"], { minLength: 1 }),
    fc.array(metadataLine, { maxLength: 6 }),
    fc.constantFrom("\n", "\r\n", "\r"),
  )
  .map(([bom, before, required, after, eol]) => bom + [...before, ...required, ...after].join(eol));

function assertWellFormedResult(bytes: Uint8Array) {
  const result = parseCoreMetadata(bytes);
  if (!result.ok) {
    assert.ok(result.problems.length > 0, "a refusal names at least one problem");
    for (const problem of result.problems) assert.ok(typeof problem === "string" && problem !== "");
    return;
  }
  const { metadataVersion, headers, description } = result.metadata;
  assert.ok(KNOWN_METADATA_VERSIONS.includes(metadataVersion), metadataVersion);
  assert.equal(headers.get("metadata-version")?.[0], metadataVersion);
  assert.ok((headers.get("name")?.length ?? 0) > 0, "accepted metadata has a Name");
  assert.ok((headers.get("version")?.length ?? 0) > 0, "accepted metadata has a Version");
  assert.ok(description === undefined || typeof description === "string");
}

test("parseCoreMetadata never throws on arbitrary bytes, and its answer is well formed", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), assertWellFormedResult), runs);
});

test("parseCoreMetadata never throws on arbitrary text, and its answer is well formed", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) =>
      assertWellFormedResult(utf8(text)),
    ),
    runs,
  );
});

test("parseCoreMetadata never throws on header-like text, and its answer is well formed", () => {
  let accepted = 0;
  fc.assert(
    fc.property(metadataSoup, (text) => {
      assertWellFormedResult(utf8(text));
      if (parseCoreMetadata(utf8(text)).ok) accepted++;
    }),
    runs,
  );
  assert.ok(accepted > 0, "the generator reaches accepted metadata");
});

// The specification reads metadata with Python's email parser (compat32), whose header lines are
// `field-name: value` with an RFC 822 field name: printable ASCII, no space, no colon. A line like
// `Name : demo` ends the header block there, and a first line that starts with a blank is dropped
// as a continuation of nothing (Python 3.11: MissingHeaderBodySeparatorDefect and
// FirstHeaderLineIsContinuationDefect). A field pypush reads must be one that parser reads too.
test("accepted metadata fields come only from `Field-Name: value` lines with an RFC 822 field name", () => {
  fc.assert(
    fc.property(metadataSoup, (text) => {
      const result = parseCoreMetadata(utf8(text));
      if (!result.ok) return;
      const lines = text
        .replace(/^\uFEFF/, "")
        .split(/\r\n|\r|\n/)
        .map((line) => line.toLowerCase());
      for (const field of result.metadata.headers.keys()) {
        assert.match(field, /^[\x21-\x39\x3b-\x7e]+$/, `field name '${field}'`);
        assert.ok(
          lines.some((line) => line.startsWith(`${field}:`)),
          `field '${field}' does not start a line of ${JSON.stringify(text)}`,
        );
      }
    }),
    {
      ...runs,
      examples: [
        ["Metadata-Version: 2.1\nName : demo\nVersion: 1.0\n"],
        [" Name: demo\nMetadata-Version: 2.1\nVersion: 1.0\n"],
        ["Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nNa me: x\n"],
      ],
    },
  );
});

test("metadata written as RFC 822 headers reads back with the same values, repeats in order, and the body as description", () => {
  const field = fc
    .constantFrom(...OPTIONAL_HEADERS, "Classifier", "Classifier", "Classifier")
    .chain((name) => fc.tuple(headerSpelling(name), headerValue));
  const body = fc.oneof(
    fc.constant(""),
    fc
      .array(fc.string({ unit: "grapheme", maxLength: 40 }), { minLength: 1, maxLength: 6 })
      .map((lines) => lines.join("\n")),
  );
  fc.assert(
    fc.property(
      fc.constantFrom(...KNOWN_METADATA_VERSIONS),
      headerValue,
      headerValue,
      fc.array(field, { maxLength: 12 }),
      body,
      fc.constantFrom("\n", "\r\n"),
      (metadataVersion, name, version, extra, body, eol) => {
        const fields: [string, string][] = [
          ["Metadata-Version", metadataVersion],
          ["Name", name],
          ["Version", version],
          ...extra,
        ];
        const text =
          fields.map(([header, value]) => `${header}: ${value}${eol}`).join("") +
          (body === "" ? "" : eol + body);
        const result = parseCoreMetadata(utf8(text));
        assert.ok(result.ok, JSON.stringify(result));
        const expected = new Map<string, string[]>();
        for (const [header, value] of fields) {
          const key = header.toLowerCase();
          expected.set(key, [...(expected.get(key) ?? []), value]);
        }
        assert.deepEqual(new Map(result.metadata.headers), expected);
        assert.equal(result.metadata.metadataVersion, metadataVersion);
        // The body is the text after the blank line, its line breaks read as `\n`.
        const description =
          body === "" ? expected.get("description")?.[0] : body.replace(/\r\n/g, "\n");
        assert.equal(result.metadata.description, description);
      },
    ),
    runs,
  );
});

// ---------------------------------------------------------------------------------------------
// File names

/** The escape of wheel and sdist name components: `_` for `-`. */
const escaped = (text: string) => text.replace(/-/g, "_");
const roughPart = fc.string({ unit: fc.constantFrom(..."aZ09_.+! é-"), maxLength: 6 });

/** Dash-separated parts from a small alphabet with the grammar's edge cases, and a suffix. */
const filenameLike = fc
  .tuple(
    fc.array(roughPart, {
      minLength: 1,
      maxLength: 7,
    }),
    fc.constantFrom(
      ".whl",
      ".tar.gz",
      ".tar.gz",
      ".WHL",
      ".tgz",
      ".zip",
      ".egg",
      ".tar",
      ".tar.gz.zip",
      "",
    ),
  )
  .map(([parts, suffix]) => parts.join("-") + suffix);
/** Mostly one of the valid values, sometimes one of the wrong ones. */
const mostly = <T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: wrong });

/** Wheel-shaped names: each part mostly valid for its position, sometimes not. */
const wheelLike = fc
  .tuple(
    mostly(
      projectName.map((name) => escaped(normalizeName(name))),
      fc.oneof(projectName, roughPart),
    ),
    mostly(
      pep440Version.map((version) => escaped(version.spelled)),
      roughPart,
    ),
    mostly(
      fc.option(fc.constantFrom("1", "2b", "10_x.y"), { nil: undefined, freq: 2 }),
      fc.constantFrom("x", "", "1-2", "1+"),
    ),
    mostly(
      fc.constantFrom("py3", "cp312", "py2.py3", "pp310"),
      fc.constantFrom("3py", "py3.", "", "pé"),
    ),
    mostly(fc.constantFrom("none", "cp312", "abi3"), fc.constantFrom("no+ne", "a..b", "")),
    mostly(
      fc.constantFrom("any", "manylinux_2_17_x86_64.manylinux2014_x86_64", "win_amd64"),
      fc.constantFrom("an y", ".any", "any."),
    ),
  )
  .map(
    ([name, version, build, python, abi, platform]) =>
      `${[name, version, ...(build === undefined ? [] : [build]), python, abi, platform].join("-")}.whl`,
  );
const anyFilename = fc.oneof(filenameLike, wheelLike, fc.string({ unit: "binary", maxLength: 40 }));

test("parseFilename never throws, and refuses with a reason", () => {
  fc.assert(
    fc.property(anyFilename, (filename) => {
      const result = parseFilename(filename);
      if (!result.ok) assert.ok(result.problem !== "");
    }),
    runs,
  );
});

test("an accepted wheel name re-assembles from its parts, with well-formed tags", () => {
  let accepted = 0;
  fc.assert(
    fc.property(anyFilename, (filename) => {
      const result = parseFilename(filename);
      if (!result.ok || result.filename.kind !== "wheel") return;
      accepted++;
      const { name, version, tags } = result.filename;
      const build = tags.build === undefined ? "" : `-${tags.build}`;
      assert.equal(
        `${name}-${version}${build}-${tags.python}-${tags.abi}-${tags.platform}.whl`,
        filename,
      );
      assert.match(name, /^[A-Za-z0-9_.]+$/);
      assert.match(version, /^[^-]+$/);
      for (const tag of [tags.python, tags.abi, tags.platform])
        assert.match(tag, /^[A-Za-z0-9_.]+$/);
      if (tags.build !== undefined) assert.match(tags.build, /^[0-9][A-Za-z0-9_.]*$/);
    }),
    runs,
  );
  assert.ok(accepted > 0, "the generator reaches accepted wheel names");
});

test("an accepted sdist name re-assembles as {name}-{version}.tar.gz", () => {
  let accepted = 0;
  fc.assert(
    fc.property(anyFilename, (filename) => {
      const result = parseFilename(filename);
      if (!result.ok || result.filename.kind !== "sdist") return;
      accepted++;
      const { name, version } = result.filename;
      assert.equal(`${name}-${version}.tar.gz`, filename);
      assert.ok(name !== "" && version !== "" && !version.includes("-"));
    }),
    runs,
  );
  assert.ok(accepted > 0, "the generator reaches accepted sdist names");
});

test("a name not ending in .whl or .tar.gz is refused, with the legacy format's reason when known", () => {
  fc.assert(
    fc.property(anyFilename, (filename) => {
      fc.pre(!filename.endsWith(".whl") && !filename.endsWith(".tar.gz"));
      const result = parseFilename(filename);
      assert.equal(result.ok, false);
      const legacy = legacyFormatReason(filename);
      if (legacy !== undefined) assert.deepEqual(result, { ok: false, problem: legacy });
    }),
    runs,
  );
});

// ---------------------------------------------------------------------------------------------
// Names

test("normalizeName is idempotent", () => {
  fc.assert(
    fc.property(fc.oneof(projectName, fc.string({ unit: "binary" })), (name) => {
      assert.equal(normalizeName(normalizeName(name)), normalizeName(name));
    }),
    runs,
  );
});

test("a valid project name normalizes to lower-case words joined by single dashes", () => {
  fc.assert(
    fc.property(projectName, (name) => {
      assert.ok(isValidProjectName(name), name);
      assert.match(normalizeName(name), /^[a-z0-9]+(-[a-z0-9]+)*$/);
    }),
    runs,
  );
});

test("spellings of one name that differ in case and separator runs normalize alike", () => {
  const respelling = fc.array(
    fc.tuple(fc.boolean(), fc.constantFrom("-", "_", ".", "__", "-.", "._-")),
    { minLength: 16, maxLength: 16 },
  );
  fc.assert(
    fc.property(projectName, respelling, (name, choices) => {
      const normalized = normalizeName(name);
      const respelled = [...normalized]
        .map((c, i) => {
          const [upper, run] = choices[i % choices.length] as [boolean, string];
          if (c === "-") return run;
          return upper ? c.toUpperCase() : c;
        })
        .join("");
      assert.equal(normalizeName(respelled), normalized, respelled);
    }),
    runs,
  );
});

// ---------------------------------------------------------------------------------------------
// File name against metadata

function metadataFor(name: string, version: string) {
  const result = parseCoreMetadata(
    utf8(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`),
  );
  assert.ok(result.ok, JSON.stringify(result));
  return result.metadata;
}

function parsedName(filename: string) {
  const result = parseFilename(filename);
  assert.ok(result.ok, `${filename}: ${JSON.stringify(result)}`);
  return result.filename;
}

const wheelName = (name: string, version: string) =>
  `${escaped(normalizeName(name))}-${escaped(version)}-py3-none-any.whl`;
const sdistName = (name: string, version: Pep440) =>
  `${escaped(normalizeName(name))}-${version.canonical}.tar.gz`;

test("the generated versions are valid PEP 440 and equal to their canonical form", () => {
  fc.assert(
    fc.property(pep440Version, ({ spelled, canonical }) => {
      assert.notEqual(validVersion(spelled), null, spelled);
      assert.ok(sameVersion(spelled, canonical), `${spelled} == ${canonical}`);
    }),
    runs,
  );
});

test("a wheel named from its metadata's name and version has no problems", () => {
  fc.assert(
    fc.property(projectName, pep440Version, fc.boolean(), (name, version, canonical) => {
      const fileVersion = canonical ? version.canonical : version.spelled;
      const filename = parsedName(wheelName(name, fileVersion));
      const problems = validateDistribution(filename, metadataFor(name, version.spelled), {
        pep625: true,
      });
      assert.deepEqual(problems, []);
    }),
    runs,
  );
});

// Warehouse names sdists `{normalized name with _}-{normalized version}.tar.gz` (PEP 625), the
// version as Python's packaging prints it: 1!2.0rc1.post3.dev4+ubuntu.1.
test("an sdist named {normalized_name}-{normalized version}.tar.gz satisfies the PEP 625 rule", () => {
  fc.assert(
    fc.property(projectName, pep440Version, (name, version) => {
      const filename = parsedName(sdistName(name, version));
      const problems = validateDistribution(filename, metadataFor(name, version.spelled), {
        pep625: true,
      });
      assert.deepEqual(problems, []);
    }),
    { ...runs, examples: [["demo", { spelled: "1.0+ubuntu.1", canonical: "1.0+ubuntu.1" }]] },
  );
});

test("the PEP 625 rule refuses an sdist whose version is spelled other than normalized", () => {
  fc.assert(
    fc.property(projectName, pep440Version, (name, version) => {
      fc.pre(version.spelled !== version.canonical && !version.spelled.includes("-"));
      const filename = parsedName(`${escaped(normalizeName(name))}-${version.spelled}.tar.gz`);
      const problems = validateDistribution(filename, metadataFor(name, version.spelled), {
        pep625: true,
      });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0] ?? "", /PEP 625/);
    }),
    runs,
  );
});

test("a file name with another version than the metadata's is a problem", () => {
  fc.assert(
    fc.property(
      projectName,
      pep440Version,
      pep440Version,
      fc.boolean(),
      (name, version, other, wheel) => {
        fc.pre(!sameVersion(version.canonical, other.canonical));
        const filename = parsedName(
          wheel ? wheelName(name, other.spelled) : sdistName(name, other),
        );
        const problems = validateDistribution(filename, metadataFor(name, version.spelled), {
          pep625: false,
        });
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0] ?? "", /file name says version/);
      },
    ),
    runs,
  );
});

test("a file name with another project name than the metadata's is a problem", () => {
  fc.assert(
    fc.property(
      projectName,
      projectName,
      pep440Version,
      fc.boolean(),
      (name, other, version, wheel) => {
        fc.pre(normalizeName(name) !== normalizeName(other));
        const filename = parsedName(
          wheel ? wheelName(other, version.canonical) : sdistName(other, version),
        );
        const problems = validateDistribution(filename, metadataFor(name, version.spelled), {
          pep625: false,
        });
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0] ?? "", /file name says project/);
      },
    ),
    runs,
  );
});

// What inspect accepts (the file name parses and validation finds nothing) names a valid project
// and a valid version, and under the PEP 625 rule an sdist is named exactly as Warehouse asks.
test("a file name accepted together with its metadata names a valid project and a valid version", () => {
  const rough = fc.string({ unit: fc.constantFrom(..."aB1._-+! /"), minLength: 1, maxLength: 6 });
  const nameish = fc.oneof(projectName, rough);
  const versionish = fc.oneof(
    pep440Version.map((version) => version.spelled),
    pep440Version.map((version) => version.canonical),
    rough,
  );
  let accepted = 0;
  fc.assert(
    fc.property(
      nameish,
      versionish,
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      (name, version, wheel, escapeName, pep625) => {
        const fileName = escapeName ? escaped(normalizeName(name)) : name;
        const result = parseFilename(
          wheel
            ? `${fileName}-${escaped(version)}-py3-none-any.whl`
            : `${fileName}-${version}.tar.gz`,
        );
        if (!result.ok) return;
        const metadata = parseCoreMetadata(
          utf8(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`),
        );
        if (!metadata.ok) return;
        if (validateDistribution(result.filename, metadata.metadata, { pep625 }).length > 0) return;
        accepted++;
        assert.ok(isValidProjectName(result.filename.name), result.filename.name);
        assert.notEqual(validVersion(result.filename.version.replace(/_/g, "-")), null);
        if (pep625 && result.filename.kind === "sdist") {
          assert.equal(result.filename.name, escaped(normalizeName(result.filename.name)));
        }
      },
    ),
    runs,
  );
  assert.ok(accepted > 0, "the generator reaches accepted distributions");
});
