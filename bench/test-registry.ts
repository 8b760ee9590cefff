// The project's test registry (test/registry/main.ts, same flags), started under this name so the
// bench's registries can be told apart from any other test registry on the machine: twice a
// bench run lost its registry mid-measurement (it ended with exit code 0, i.e. SIGTERM/SIGINT)
// while other sessions were starting and stopping test registries of their own.
import "../test/registry/main.ts";
