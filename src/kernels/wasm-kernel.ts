import { InputError } from '../core/errors.js';
import { SCORE_KERNEL_RELAXED_SIMD, SCORE_KERNEL_SIMD } from './generated/score-kernel-wasm.js';

/** Which dot-product kernel runs the exact kNN searches. */
export const KERNELS = ['auto', 'relaxed-simd', 'simd', 'js'] as const;
export type KernelChoice = (typeof KERNELS)[number];
export type KernelName = Exclude<KernelChoice, 'auto'>;

/** WebAssembly page size in bytes. */
const PAGE = 65536;

/** The most a 32-bit WebAssembly memory holds (65,536 pages), less one page of headroom. */
const MAX_BYTES = 2 ** 32 - PAGE;

/** The compiled WebAssembly kernel for one instruction set. */
export interface WasmKernel {
  readonly name: 'relaxed-simd' | 'simd';
  readonly module: WebAssembly.Module;
}

const BYTES = { 'relaxed-simd': SCORE_KERNEL_RELAXED_SIMD, simd: SCORE_KERNEL_SIMD } as const;

/** True when this runtime can compile the given kernel (relaxed SIMD needs Node 22+ or a flag on Node 20). */
export function kernelSupported(name: 'relaxed-simd' | 'simd'): boolean {
  try {
    return WebAssembly.validate(Buffer.from(BYTES[name], 'base64'));
  } catch {
    return false;
  }
}

/**
 * True when the kernel's int8 dot product is exact here: always for plain SIMD (written out), and
 * for relaxed SIMD from V8 12 (Node 22) on. Node 20's V8 11.3 runs relaxed SIMD only behind a flag,
 * and there its baseline (Liftoff) code gives wrong sums for in-range operands: measured, the first
 * 44 of 20,000 calls (before the optimised code took over), and every call with --liftoff-only. So
 * the int8 screen is not used on it.
 */
export function int8DotExact(kernel: WasmKernel, v8Version: string = process.versions.v8): boolean {
  return kernel.name === 'simd' || Number.parseInt(v8Version, 10) >= 12;
}

/** Compiles the requested kernel; `auto` picks relaxed SIMD, then SIMD, then `null` (plain JS). */
export function loadWasmKernel(choice: KernelChoice): WasmKernel | null {
  const order: Array<'relaxed-simd' | 'simd'> = choice === 'auto' ? ['relaxed-simd', 'simd'] : choice === 'js' ? [] : [choice];
  for (const name of order) {
    if (kernelSupported(name)) return { name, module: new WebAssembly.Module(Buffer.from(BYTES[name], 'base64')) };
  }
  return null;
}

/**
 * A shared WebAssembly memory with a bump allocator: the aligned matrices are written straight
 * into it, so the kernel and its worker threads read them without a copy. Allocations are
 * 16-byte aligned and live until the arena is dropped.
 */
export class KernelArena {
  readonly memory: WebAssembly.Memory;
  private top = 0;
  private readonly offsets = new WeakMap<Float32Array, number>();

  constructor(initialBytes = 16 * PAGE) {
    const pages = Math.max(1, Math.ceil(initialBytes / PAGE));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
  }

  /** A zeroed Float32Array of `length` values inside the shared memory. */
  allocate(length: number): Float32Array {
    const offset = (this.top + 15) & ~15;
    const end = offset + length * 4;
    if (end > MAX_BYTES) {
      throw new InputError(
        `the vectors need ${Math.round(end / 2 ** 20)} MiB, more than the 4 GiB the WebAssembly kNN kernel can address; run with the JavaScript kernel (kernel: js), which has no such limit but is much slower.`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    const view = new Float32Array(this.memory.buffer, offset, length);
    this.offsets.set(view, offset);
    return view;
  }

  /** The byte address of an array allocated here, or `null` for any other array. */
  addressOf(view: Float32Array): number | null {
    return this.offsets.get(view) ?? null;
  }
}
