// Bounds on what pypush reads from a distribution before uploading it. A distribution is only
// inspected, never unpacked: these keep a hostile or broken file from costing memory or time.

/** Largest METADATA / PKG-INFO pypush will read (real ones are a few KiB; long READMEs ~100 KiB). */
export const MAX_METADATA_BYTES = 2 * 1024 * 1024;

/** An entry that inflates more than this ratio and past MAX_BOMB_BYTES is treated as a zip bomb. */
export const MAX_COMPRESSION_RATIO = 100;
export const MAX_BOMB_BYTES = 64 * 1024 * 1024;

/** Most tar entries scanned in an sdist while looking for PKG-INFO. */
export const MAX_TAR_ENTRIES = 100_000;
