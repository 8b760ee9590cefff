// hash-wasm ships per-algorithm builds (UMD) without their own type declarations: same API as
// the index. A UMD file is CommonJS to Node's ESM loader: only its default export is certain.
declare module "hash-wasm/dist/blake2b.umd.min.js" {
  const blake2b: { createBLAKE2b: typeof import("hash-wasm").createBLAKE2b };
  export default blake2b;
}
