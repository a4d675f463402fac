import { allRows } from '../core/all-rows.js';
/** A source of uniform numbers in [0, 1), injected wherever the gate samples. */
export type RandomSource = () => number;

/**
 * Mulberry32: a small, fast 32-bit seeded generator (Tommy Ettinger, public domain).
 * The same seed always gives the same sequence, on every platform.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A uniform random subset of `size` distinct indices from 0..population−1 (partial
 * Fisher–Yates shuffle), returned in ascending order so later passes run in a stable order.
 */
export function sampleIndices(population: number, size: number, random: RandomSource): Int32Array {
  const pool = allRows(population);
  const take = Math.min(size, population);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (population - i));
    const swap = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = swap;
  }
  return pool.subarray(0, take).sort();
}

/** A uniform random permutation of 0..population−1 (Fisher–Yates), in the shuffled order. */
export function shuffledIndices(population: number, random: RandomSource): Int32Array {
  const order = allRows(population);
  for (let i = population - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order;
}
