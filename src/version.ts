// The package version, injected by the bundler (scripts/build.mjs); "dev" when run from source.
declare const __PYPUSH_VERSION__: string | undefined;

export const VERSION = typeof __PYPUSH_VERSION__ === "string" ? __PYPUSH_VERSION__ : "0.0.0-dev";
export const USER_AGENT = `pypush/${VERSION} (+https://www.npmjs.com/package/pypush)`;
