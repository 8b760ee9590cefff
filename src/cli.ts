// The CLI entry (bundled to dist/cli.js, the package's `bin`): everything lives in command-line.ts.
import { main } from "./command-line.ts";

process.exitCode = await main(process.argv.slice(2), process.env);
