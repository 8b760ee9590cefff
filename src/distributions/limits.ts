// Bounds on what pypush reads from a distribution before uploading it. A distribution is only
// inspected, never unpacked: these keep a hostile or broken file from costing memory or time.

/** Largest METADATA / PKG-INFO pypush will read (real ones are a few KiB; long READMEs ~100 KiB). */
export const MAX_METADATA_BYTES = 2 * 1024 * 1024;

/**
 * Warehouse's zip bomb rule (forklift/legacy.py, COMPRESSION_RATIO_THRESHOLD and _MIN_SIZE): a
 * wheel whose entries inflate to more than 64 MiB in all and more than 50 times the file's size is
 * refused with "Invalid distribution file. File exceeds compression ratio of 50".
 */
export const MAX_COMPRESSION_RATIO = 50;
export const COMPRESSION_RATIO_MIN_BYTES = 64 * 1024 * 1024;

/** Most tar entries scanned in an sdist while looking for PKG-INFO. */
export const MAX_TAR_ENTRIES = 100_000;
