/**
 * Minimal types for the npm `tdigest` package (v0.1.3, untyped CommonJS: `module.exports =
 * { TDigest, Digest }`). Only what tdigest-sketch.ts uses. Under ESM/NodeNext import it as the
 * default export (`import tdigest from 'tdigest'`), which is `module.exports`.
 */
declare module 'tdigest' {
  namespace tdigest {
    /** A centroid as `toArray()` returns it: its mean and its count (weight). */
    interface Centroid {
      mean: number;
      n: number;
    }

    class TDigest {
      /**
       * @param delta compression: the largest fraction of the mass one centroid may own (default 0.01)
       * @param K recompress when the number of centroids exceeds K / delta (default 25; 0 = never)
       * @param CX how stale cached cumulative counts may grow during ingest (default 1.1)
       */
      constructor(delta?: number, K?: number, CX?: number);
      delta: number;
      K: number;
      CX: number;
      /** Total weight pushed. */
      n: number;
      /** Add value x with weight n (default 1). */
      push(x: number | number[], n?: number): void;
      /** Add centroids as weighted points. */
      push_centroid(c: Centroid | Centroid[]): void;
      /** Centroids ordered by mean. */
      toArray(): Centroid[];
      /** Number of centroids. */
      size(): number;
      /** Re-digest the centroids in random order (uses Math.random). */
      compress(): void;
      percentile(p: number): number | undefined;
      p_rank(x: number): number | undefined;
    }
  }
  export = tdigest;
}
