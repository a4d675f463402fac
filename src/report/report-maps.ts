/**
 * The `maps` section of a report: 2-D UMAP layouts of a seeded sample of the items, with what
 * the HTML report shows beside each point. Coordinates are integers in [0, 10000], as x, y pairs
 * in point order; the HTML renderer draws them and needs nothing else from the engine.
 */
export interface ReportMaps {
  /** How the layouts were made (method, neighbour graph, seed, epochs), shown on the page. */
  readonly method: string;
  /** Matched items, of which `points.ids.length` are mapped (all, or a seeded sample). */
  readonly total: number;
  readonly sampled: boolean;
  /** Cluster names; `points.cluster` holds indices into this list. */
  readonly clusters: readonly string[];
  readonly points: {
    readonly ids: readonly string[];
    /** The item's text, cut to 200 characters, or null. */
    readonly text: readonly (string | null)[];
    readonly cluster: readonly number[];
    /** The gate's kNN overlap of the point, or null when it was not an evaluated query. */
    readonly overlap: readonly (number | null)[];
    /** The point's position in the run's query list, or null; merge fills `overlap` from it. */
    readonly query: readonly (number | null)[];
  };
  /** Layout of the points in the reference space (x, y pairs). */
  readonly reference: readonly number[];
  /** Layout of the points in the candidate space. */
  readonly candidate: readonly number[];
  /** Equal dimensions only: one layout of a subset of points in both spaces, where an item's two positions can be joined by a line. */
  readonly joint: {
    /** Indices into `points` of the jointly mapped subset. */
    readonly points: readonly number[];
    readonly reference: readonly number[];
    readonly candidate: readonly number[];
    /** Indices into `joint.points` of the items that moved most (lowest paired cosine), lines drawn for these. */
    readonly moved: readonly number[];
  } | null;
}
