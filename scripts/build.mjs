// Bundles each entry into a self-contained ESM file under dist/ that runs with plain `node`.
// The Sigstore client (PEP 740 signing) is a bundle of its own, dist/attestations.js, loaded
// only when a run signs: most runs never pay for its size at startup.
import { readFile } from "node:fs/promises";
import { build } from "esbuild";

const { version } = JSON.parse(await readFile("package.json", "utf8"));

// entry file in src/ -> bundle in dist/
const entries = [
  ["cli", "cli"],
  ["action-main", "action"],
  ["attestations/sign", "attestations"],
];

// In the entry bundles, the dynamic import of the signer points at the separate bundle.
const lazySigner = {
  name: "lazy-signer",
  setup(builder) {
    builder.onResolve({ filter: /\/attestations\/sign\.ts$/ }, (args) =>
      args.kind === "dynamic-import" ? { path: "./attestations.js", external: true } : undefined,
    );
  },
};

for (const [source, name] of entries) {
  await build({
    entryPoints: [`src/${source}.ts`],
    outfile: `dist/${name}.js`,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    legalComments: "none",
    minify: true,
    plugins: [lazySigner],
    // CommonJS dependencies call require() for Node built-ins; ESM has none, so provide one.
    banner: {
      js: [
        ...(name === "cli" ? ["#!/usr/bin/env node"] : []),
        "import { createRequire as __pypushCreateRequire } from 'node:module';",
        "const require = __pypushCreateRequire(import.meta.url);",
      ].join("\n"),
    },
    define: { __PYPUSH_VERSION__: JSON.stringify(version) },
    logLevel: "warning",
  });
}
