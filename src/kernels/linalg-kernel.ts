import { LINALG_F64_KERNEL } from './generated/linalg-f64-wasm.js';

/** The float64 loops of src/kernels/wasm/linalg-f64.wat (byte offsets into `memory`). */
export interface LinalgKernel {
  readonly memory: WebAssembly.Memory;
  /** out[j·n + i] = ⟨x_i, x_j⟩ for from ≤ i < to (from a multiple of 4), i ≤ j < n: rows of the lower triangle of X Xᵀ for n rows of n values. */
  gram_lower(x: number, n: number, out: number, from: number, to: number): void;
  /** out[0 … m) += A u for the symmetric m × m block whose lower triangle is stored in `a` (rows n apart). */
  symv_lower(a: number, n: number, m: number, u: number, out: number): void;
  /** a_jk −= u_j·e_k + e_j·u_k for k ≤ j < m (the symmetric rank-2 update, lower triangle). */
  rank2_lower(a: number, n: number, m: number, u: number, e: number): void;
}

const PAGE = 65536;
let compiled: WebAssembly.Module | null = null;

/**
 * A fresh instance of the float64 linear-algebra kernel (compiled once per thread) whose memory
 * holds at least `bytes`: each use gets its own memory, freed with the instance, so a large
 * problem leaves nothing behind.
 */
export function linalgKernel(bytes: number): LinalgKernel {
  compiled ??= new WebAssembly.Module(Buffer.from(LINALG_F64_KERNEL, 'base64'));
  const kernel = new WebAssembly.Instance(compiled).exports as unknown as LinalgKernel;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
  return kernel;
}
