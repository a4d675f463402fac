/** Salts that give each random stream its own sequence from the one user seed. */
export const STREAM = { sample: 1, bootstrap: 2, kmeans: 3, map: 4 } as const;
