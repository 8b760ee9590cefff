// `npm run demo`: builds a real wheel and sdist with Debian's python3-build (hatchling), starts the
// test registry (PyPI personality) on 127.0.0.1, uploads both with the bundled CLI, and shows what
// the registry now holds. Everything is removed afterwards.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { buildProject } from "../test/fixtures/python-builds.ts";
import { startRegistry } from "../test/registry/server.ts";
import { CLI, ROOT } from "../test/support/cli.ts";

if (!existsSync(CLI)) spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });

const project = await buildProject({
  backend: "hatchling",
  name: "pypush-demo",
  richMetadata: true,
});
const registry = await startRegistry({ personality: "pypi" });
try {
  console.log(`Built ${project.sdist}\n  and ${project.wheel}`);
  console.log(`Test registry (PyPI personality) at ${registry.uploadUrl}\n`);
  console.log(`$ pypush --repository-url ${registry.uploadUrl} --print-hash ${project.dir}`);
  // The registry runs in this process: the CLI must run beside it, not block it.
  const args = [CLI, "--repository-url", registry.uploadUrl, "--print-hash", project.dir];
  const child = spawn(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, PYPUSH_TOKEN: "pypi-demo-token" },
  });
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  console.log(`\nexit code ${status}; the registry now holds:`);
  for (const file of registry.files()) {
    console.log(`  ${file.filename}  ${file.size} bytes  sha256 ${file.sha256}`);
  }
  process.exitCode = status ?? 1;
} finally {
  await registry.close();
  await project.cleanup();
}
