// hash-wasm ships per-algorithm builds without their own type declarations: same API as the index.
declare module "hash-wasm/dist/blake2b.umd.min.js" {
  export { createBLAKE2b } from "hash-wasm";
}
