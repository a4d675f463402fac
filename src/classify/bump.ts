/** Semantic-version bump levels of an embedding, lowest first. */
export const BUMPS = ['none', 'patch', 'minor', 'major'] as const;
export type Bump = (typeof BUMPS)[number];

/** Position of a bump in BUMPS: none 0 < patch 1 < minor 2 < major 3. */
export function bumpRank(bump: Bump): number {
  return BUMPS.indexOf(bump);
}

/** The higher of the given bumps (`null`s ignored); 'none' when all are null. */
export function highestBump(...bumps: ReadonlyArray<Bump | null>): Bump {
  let best: Bump = 'none';
  for (const bump of bumps) if (bump !== null && bumpRank(bump) > bumpRank(best)) best = bump;
  return best;
}

/** True when the string names a bump level. */
export function isBump(value: string): value is Bump {
  return (BUMPS as readonly string[]).includes(value);
}
