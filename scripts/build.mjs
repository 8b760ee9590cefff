// Bundles each entry into one self-contained ESM file under dist/ that runs with plain `node`.
import { readFile } from "node:fs/promises";
import { build } from "esbuild";

const { version } = JSON.parse(await readFile("package.json", "utf8"));
// entry file in src/ -> bundle in dist/
const entries = [
  ["cli", "cli"],
  ["action-main", "action"],
];
for (const [source, name] of entries) {
  await build({
    entryPoints: [`src/${source}.ts`],
    outfile: `dist/${name}.js`,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    legalComments: "none",
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
