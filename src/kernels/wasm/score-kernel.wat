;; Register-tiled dot products for exact kNN: 4 query rows × 2 item rows per step, f32x4 lanes.
;; Assembled by scripts/build-wasm.mjs (wabt) into src/kernels/generated/score-kernel-wasm.ts,
;; once with each multiply-add written as f32x4.relaxed_madd (fused where the CPU has FMA) and
;; once as f32x4.add of f32x4.mul (plain SIMD, bit-identical on every machine).
;;
;; score_block(q0, q1, q2, q3, items, start, end, dim, out, stride)
;;   q0..q3  byte offsets of four query rows (repeat one to fill unused slots)
;;   items   byte offset of row 0 of the item matrix (rows of `dim` f32, contiguous)
;;   start, end  item rows to score: [start, end)
;;   out     byte offset of an f32 tile; score(g, j) goes to out[g * stride + (j - start)]
;; Every pair's score is computed the same way wherever it falls in a tile:
;;   lanes: acc += q[t..t+3] * x[t..t+3] for t < dim - dim % 4, then (l0 + l1) + (l2 + l3),
;;   then + q[t] * x[t] for the remaining t, in order; so s(i, j) = s(j, i) bit for bit.
;;
;;
;; score_i16(q0, q1, q2, q3, items, start, end, rowBytes, out, stride, shift0..shift3): the same
;; tile of exact integer dot products of quantised rows (int16 lanes; rowBytes a multiple of 64,
;; rows padded with zeros), minus query g's shift, written as i32 to out[g * stride + (j - start)].
;; Used to screen kNN candidates; the caller keeps every |Σ| < 2^31 by its choice of scale
;; (src/kernels/quantise.ts).
;; score_i8 (same parameters) is the same loop on int8 rows, built by scripts/build-wasm.mjs from
;; score_i16's text with I8DOT for IDOT: query rows are signed int8, item rows int8 in 0 … 127
;; (the 7-bit operand of the relaxed dot product, whose result is then the same on every CPU).
;;
;; pack_panels and cross_panels(a, b, rows, panels, out, outStride): AᵀB over a chunk of rows, as
;; BLAS does it: four columns of A and eight of B are first copied into contiguous panels (rows of
;; a matrix d floats apart would fall into a few cache sets when d is a multiple of 256), then
;; S[g][8P + c] = Σ_{r < rows} A[r][g] · B[r][8P + c], a float32 sum in row order (MADD), is added
;; to the float64 out[g * outStride + 8P + c] for each of `panels` panels P. Every entry is summed
;; the same way wherever it falls.
;;
;; max_abs and quantise_rows: the int16 copy of a matrix for the screen (see quantise.ts);
;; narrow_rows: int8 copies made from it (see quantise-int8.ts).
;;
;; filter_tile(tile, stride, width, slots, bars, itemBars, out) -> hits: the positions
;; g * stride + t (g < slots, t < width rounded up to 4) of an i32 tile whose value is at least
;; bars[g] (the query's list) or itemBars[t] (the item's list), written to out in order.
;;
;; sum_rows(values, dim, rows, count, out) and squared_distances(values, dim, rows, count, centre,
;; out): float64 statistics of the rows listed at `rows` (count i32 row numbers) of a dim-wide f32
;; matrix, with the arithmetic of src/kernels/row-statistics.ts (the same bits): out[j] += x_j row
;; by row in list order; out[p] = Σ_t (x_t − c_t)² as an even-t and an odd-t sum over the pairs of
;; t, added, then the last term when dim is odd.
;;
;; row_dots(a, b, dim, count, out) and scale_rows(values, dim, rows, count, scales, out): the row
;; norms (a = b) and the unit rows of the alignment, and the paired cosines, with the arithmetic of
;; src/core/row-norms.ts.
(module
  (import "env" "memory" (memory 1 65536 shared))

  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; Σ_{t ≥ t0} q[t]·x[t] added to s, scalar, in order (the tail past the last full f32x4).
  (func $tail (param $s f32) (param $q i32) (param $x i32) (param $t0 i32) (param $dim i32) (result f32)
    (local $t i32)
    (local.set $t (local.get $t0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $t) (local.get $dim)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul (f32.load (i32.add (local.get $q) (i32.shl (local.get $t) (i32.const 2))))
                   (f32.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next)))
    (local.get $s))

  (func (export "score_block")
    (param $q0 i32) (param $q1 i32) (param $q2 i32) (param $q3 i32)
    (param $items i32) (param $start i32) (param $end i32) (param $dim i32)
    (param $out i32) (param $stride i32)
    (local $j i32) (local $x i32) (local $y i32) (local $o i32) (local $off i32) (local $vecBytes i32) (local $rowBytes i32)
    (local $rowStride i32) (local $vecDim i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128) (local $vx v128) (local $vy v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local.set $vecDim (i32.and (local.get $dim) (i32.const -4)))
    (local.set $vecBytes (i32.shl (local.get $vecDim) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $rowStride (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $j (local.get $start))
    ;; Pairs of items.
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $end)))
        (local.set $x (i32.add (local.get $items) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $y (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $r0 (v128.const i32x4 0 0 0 0)) (local.set $r1 (v128.const i32x4 0 0 0 0))
        (local.set $r2 (v128.const i32x4 0 0 0 0)) (local.set $r3 (v128.const i32x4 0 0 0 0))
        (local.set $off (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $off) (local.get $vecBytes)))
            (local.set $vx (v128.load (i32.add (local.get $x) (local.get $off))))
            (local.set $vy (v128.load (i32.add (local.get $y) (local.get $off))))
            (local.set $a (v128.load (i32.add (local.get $q0) (local.get $off))))
            (local.set $b (v128.load (i32.add (local.get $q1) (local.get $off))))
            (local.set $c (v128.load (i32.add (local.get $q2) (local.get $off))))
            (local.set $e (v128.load (i32.add (local.get $q3) (local.get $off))))
            (local.set $s0 (MADD (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (MADD (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (MADD (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (MADD (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $r0 (MADD (local.get $a) (local.get $vy) (local.get $r0)))
            (local.set $r1 (MADD (local.get $b) (local.get $vy) (local.get $r1)))
            (local.set $r2 (MADD (local.get $c) (local.get $vy) (local.get $r2)))
            (local.set $r3 (MADD (local.get $e) (local.get $vy) (local.get $r3)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $vec)))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $j) (local.get $start)) (i32.const 2))))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s0)) (local.get $q0) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (f32.store offset=4 (local.get $o) (call $tail (call $hsum (local.get $r0)) (local.get $q0) (local.get $y) (local.get $vecDim) (local.get $dim)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s1)) (local.get $q1) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (f32.store offset=4 (local.get $o) (call $tail (call $hsum (local.get $r1)) (local.get $q1) (local.get $y) (local.get $vecDim) (local.get $dim)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s2)) (local.get $q2) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (f32.store offset=4 (local.get $o) (call $tail (call $hsum (local.get $r2)) (local.get $q2) (local.get $y) (local.get $vecDim) (local.get $dim)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s3)) (local.get $q3) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (f32.store offset=4 (local.get $o) (call $tail (call $hsum (local.get $r3)) (local.get $q3) (local.get $y) (local.get $vecDim) (local.get $dim)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    ;; A last single item.
    (if (i32.lt_u (local.get $j) (local.get $end))
      (then
        (local.set $x (i32.add (local.get $items) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $off (i32.const 0))
        (block $vecDone1
          (loop $vec1
            (br_if $vecDone1 (i32.ge_u (local.get $off) (local.get $vecBytes)))
            (local.set $vx (v128.load (i32.add (local.get $x) (local.get $off))))
            (local.set $a (v128.load (i32.add (local.get $q0) (local.get $off))))
            (local.set $b (v128.load (i32.add (local.get $q1) (local.get $off))))
            (local.set $c (v128.load (i32.add (local.get $q2) (local.get $off))))
            (local.set $e (v128.load (i32.add (local.get $q3) (local.get $off))))
            (local.set $s0 (MADD (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (MADD (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (MADD (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (MADD (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $vec1)))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $j) (local.get $start)) (i32.const 2))))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s0)) (local.get $q0) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s1)) (local.get $q1) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s2)) (local.get $q2) (local.get $x) (local.get $vecDim) (local.get $dim)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (f32.store (local.get $o) (call $tail (call $hsum (local.get $s3)) (local.get $q3) (local.get $x) (local.get $vecDim) (local.get $dim))))))  (func $isum (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  ;; Rows are walked with one pointer per row and the loop unrolled four times with constant
  ;; offsets (rowBytes is a multiple of 64), so loads need no address arithmetic of their own.
  (func (export "score_i16")
    (param $q0 i32) (param $q1 i32) (param $q2 i32) (param $q3 i32)
    (param $items i32) (param $start i32) (param $end i32) (param $rowBytes i32)
    (param $out i32) (param $stride i32)
    (param $shift0 i32) (param $shift1 i32) (param $shift2 i32) (param $shift3 i32)
    (local $j i32) (local $x i32) (local $y i32) (local $stop i32) (local $o i32) (local $rowStride i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $a v128) (local $b v128) (local $c v128) (local $e v128) (local $vx v128) (local $vy v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local.set $rowStride (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $j (local.get $start))
    ;; Pairs of items.
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $end)))
        (local.set $x (i32.add (local.get $items) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $stop (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $y (local.get $stop))
        (local.set $p0 (local.get $q0)) (local.set $p1 (local.get $q1)) (local.set $p2 (local.get $q2)) (local.set $p3 (local.get $q3))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0)) (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $r0 (v128.const i32x4 0 0 0 0)) (local.set $r1 (v128.const i32x4 0 0 0 0)) (local.set $r2 (v128.const i32x4 0 0 0 0)) (local.set $r3 (v128.const i32x4 0 0 0 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $x) (local.get $stop)))
            (local.set $vx (v128.load offset=0 (local.get $x)))
            (local.set $vy (v128.load offset=0 (local.get $y)))
            (local.set $a (v128.load offset=0 (local.get $p0)))
            (local.set $b (v128.load offset=0 (local.get $p1)))
            (local.set $c (v128.load offset=0 (local.get $p2)))
            (local.set $e (v128.load offset=0 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $r0 (IDOT (local.get $a) (local.get $vy) (local.get $r0)))
            (local.set $r1 (IDOT (local.get $b) (local.get $vy) (local.get $r1)))
            (local.set $r2 (IDOT (local.get $c) (local.get $vy) (local.get $r2)))
            (local.set $r3 (IDOT (local.get $e) (local.get $vy) (local.get $r3)))
            (local.set $vx (v128.load offset=16 (local.get $x)))
            (local.set $vy (v128.load offset=16 (local.get $y)))
            (local.set $a (v128.load offset=16 (local.get $p0)))
            (local.set $b (v128.load offset=16 (local.get $p1)))
            (local.set $c (v128.load offset=16 (local.get $p2)))
            (local.set $e (v128.load offset=16 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $r0 (IDOT (local.get $a) (local.get $vy) (local.get $r0)))
            (local.set $r1 (IDOT (local.get $b) (local.get $vy) (local.get $r1)))
            (local.set $r2 (IDOT (local.get $c) (local.get $vy) (local.get $r2)))
            (local.set $r3 (IDOT (local.get $e) (local.get $vy) (local.get $r3)))
            (local.set $vx (v128.load offset=32 (local.get $x)))
            (local.set $vy (v128.load offset=32 (local.get $y)))
            (local.set $a (v128.load offset=32 (local.get $p0)))
            (local.set $b (v128.load offset=32 (local.get $p1)))
            (local.set $c (v128.load offset=32 (local.get $p2)))
            (local.set $e (v128.load offset=32 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $r0 (IDOT (local.get $a) (local.get $vy) (local.get $r0)))
            (local.set $r1 (IDOT (local.get $b) (local.get $vy) (local.get $r1)))
            (local.set $r2 (IDOT (local.get $c) (local.get $vy) (local.get $r2)))
            (local.set $r3 (IDOT (local.get $e) (local.get $vy) (local.get $r3)))
            (local.set $vx (v128.load offset=48 (local.get $x)))
            (local.set $vy (v128.load offset=48 (local.get $y)))
            (local.set $a (v128.load offset=48 (local.get $p0)))
            (local.set $b (v128.load offset=48 (local.get $p1)))
            (local.set $c (v128.load offset=48 (local.get $p2)))
            (local.set $e (v128.load offset=48 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $r0 (IDOT (local.get $a) (local.get $vy) (local.get $r0)))
            (local.set $r1 (IDOT (local.get $b) (local.get $vy) (local.get $r1)))
            (local.set $r2 (IDOT (local.get $c) (local.get $vy) (local.get $r2)))
            (local.set $r3 (IDOT (local.get $e) (local.get $vy) (local.get $r3)))
            (local.set $x (i32.add (local.get $x) (i32.const 64)))
            (local.set $y (i32.add (local.get $y) (i32.const 64)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 64)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 64)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 64)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 64)))
            (br $vec)))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $j) (local.get $start)) (i32.const 2))))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s0)) (local.get $shift0)))
        (i32.store offset=4 (local.get $o) (i32.sub (call $isum (local.get $r0)) (local.get $shift0)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s1)) (local.get $shift1)))
        (i32.store offset=4 (local.get $o) (i32.sub (call $isum (local.get $r1)) (local.get $shift1)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s2)) (local.get $shift2)))
        (i32.store offset=4 (local.get $o) (i32.sub (call $isum (local.get $r2)) (local.get $shift2)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s3)) (local.get $shift3)))
        (i32.store offset=4 (local.get $o) (i32.sub (call $isum (local.get $r3)) (local.get $shift3)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    ;; A last single item.
    (if (i32.lt_u (local.get $j) (local.get $end))
      (then
        (local.set $x (i32.add (local.get $items) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $stop (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $p0 (local.get $q0)) (local.set $p1 (local.get $q1)) (local.set $p2 (local.get $q2)) (local.set $p3 (local.get $q3))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0)) (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
        (block $vecDone1
          (loop $vec1
            (br_if $vecDone1 (i32.ge_u (local.get $x) (local.get $stop)))
            (local.set $vx (v128.load offset=0 (local.get $x)))
            (local.set $a (v128.load offset=0 (local.get $p0)))
            (local.set $b (v128.load offset=0 (local.get $p1)))
            (local.set $c (v128.load offset=0 (local.get $p2)))
            (local.set $e (v128.load offset=0 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $vx (v128.load offset=16 (local.get $x)))
            (local.set $a (v128.load offset=16 (local.get $p0)))
            (local.set $b (v128.load offset=16 (local.get $p1)))
            (local.set $c (v128.load offset=16 (local.get $p2)))
            (local.set $e (v128.load offset=16 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $vx (v128.load offset=32 (local.get $x)))
            (local.set $a (v128.load offset=32 (local.get $p0)))
            (local.set $b (v128.load offset=32 (local.get $p1)))
            (local.set $c (v128.load offset=32 (local.get $p2)))
            (local.set $e (v128.load offset=32 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $vx (v128.load offset=48 (local.get $x)))
            (local.set $a (v128.load offset=48 (local.get $p0)))
            (local.set $b (v128.load offset=48 (local.get $p1)))
            (local.set $c (v128.load offset=48 (local.get $p2)))
            (local.set $e (v128.load offset=48 (local.get $p3)))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $x (i32.add (local.get $x) (i32.const 64)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 64)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 64)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 64)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 64)))
            (br $vec1)))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $j) (local.get $start)) (i32.const 2))))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s0)) (local.get $shift0)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s1)) (local.get $shift1)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s2)) (local.get $shift2)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (i32.sub (call $isum (local.get $s3)) (local.get $shift3))))))

  ;; max_abs(values, length) -> the largest |x| over length f32 values (NaN if any is NaN).
  (func (export "max_abs") (param $values i32) (param $length i32) (result f32)
    (local $p i32) (local $end i32) (local $m v128) (local $top f32)
    (local.set $end (i32.add (local.get $values) (i32.shl (i32.and (local.get $length) (i32.const -4)) (i32.const 2))))
    (local.set $p (local.get $values))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        ;; |x| as bits (sign cleared) orders like the unsigned integers, with every NaN above +∞,
        ;; so an integer max (one instruction, no float NaN rules) gives the largest |x| or a NaN.
        (local.set $m (i32x4.max_u (local.get $m) (v128.and (v128.load (local.get $p)) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (local.set $m (i32x4.max_u (local.get $m) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m))))
    (local.set $m (i32x4.max_u (local.get $m) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $m) (local.get $m))))
    (local.set $top (f32.reinterpret_i32 (i32x4.extract_lane 0 (local.get $m))))
    (local.set $end (i32.add (local.get $values) (i32.shl (local.get $length) (i32.const 2))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $top (f32.max (local.get $top) (f32.abs (f32.load (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
    (local.get $top))

  ;; quantise_rows(values, count, dim, inverse, scale, limit, out, rowBytes, stats): row i of
  ;; values (count × dim f32) becomes q = clamp(round(x · inverse), ±limit) as int16 at
  ;; out + i · rowBytes (zero-padded), and stats[3i .. 3i + 2] (f64) = Σ x², Σ (x − scale·q)²,
  ;; Σ (scale·q)², each x, q and product taken exactly in float64.
  (func (export "quantise_rows")
    (param $values i32) (param $count i32) (param $dim i32) (param $inverse f32) (param $scale f64)
    (param $limit i32) (param $out i32) (param $rowBytes i32) (param $stats i32)
    (local $i i32) (local $x i32) (local $o i32) (local $end i32) (local $vecEnd i32) (local $rowEnd i32)
    (local $inv v128) (local $sc v128) (local $hi v128) (local $lo v128)
    (local $xa v128) (local $xb v128) (local $qa v128) (local $qb v128)
    (local $sx v128) (local $se v128) (local $sk v128)
    (local $xd v128) (local $kd v128) (local $ed v128)
    (local $q i32) (local $tx f64) (local $tk f64) (local $te f64) (local $ax f64) (local $ae f64) (local $ak f64) (local $p i32)
    (local.set $inv (f32x4.splat (local.get $inverse)))
    (local.set $sc (f64x2.splat (local.get $scale)))
    (local.set $hi (i32x4.splat (local.get $limit)))
    (local.set $lo (i32x4.splat (i32.sub (i32.const 0) (local.get $limit))))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $x (i32.add (local.get $values) (i32.shl (i32.mul (local.get $i) (local.get $dim)) (i32.const 2))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $vecEnd (i32.add (local.get $x) (i32.shl (i32.and (local.get $dim) (i32.const -8)) (i32.const 2))))
        (local.set $end (i32.add (local.get $x) (i32.shl (local.get $dim) (i32.const 2))))
        (local.set $rowEnd (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $sx (v128.const i32x4 0 0 0 0)) (local.set $se (v128.const i32x4 0 0 0 0)) (local.set $sk (v128.const i32x4 0 0 0 0))
        ;; Eight values at a time.
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $x) (local.get $vecEnd)))
            (local.set $xa (v128.load (local.get $x)))
            (local.set $xb (v128.load offset=16 (local.get $x)))
            (local.set $qa (i32x4.min_s (local.get $hi) (i32x4.max_s (local.get $lo)
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $xa) (local.get $inv)))))))
            (local.set $qb (i32x4.min_s (local.get $hi) (i32x4.max_s (local.get $lo)
              (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $xb) (local.get $inv)))))))
            (v128.store (local.get $o) (i16x8.narrow_i32x4_s (local.get $qa) (local.get $qb)))
            (local.set $xd (f64x2.promote_low_f32x4 (local.get $xa)))
            (local.set $kd (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $qa)) (local.get $sc)))
            (local.set $ed (f64x2.sub (local.get $xd) (local.get $kd)))
            (local.set $sx (f64x2.add (local.get $sx) (f64x2.mul (local.get $xd) (local.get $xd))))
            (local.set $se (f64x2.add (local.get $se) (f64x2.mul (local.get $ed) (local.get $ed))))
            (local.set $sk (f64x2.add (local.get $sk) (f64x2.mul (local.get $kd) (local.get $kd))))
            (local.set $xd (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xa) (local.get $xa))))
            (local.set $kd (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $qa) (local.get $qa))) (local.get $sc)))
            (local.set $ed (f64x2.sub (local.get $xd) (local.get $kd)))
            (local.set $sx (f64x2.add (local.get $sx) (f64x2.mul (local.get $xd) (local.get $xd))))
            (local.set $se (f64x2.add (local.get $se) (f64x2.mul (local.get $ed) (local.get $ed))))
            (local.set $sk (f64x2.add (local.get $sk) (f64x2.mul (local.get $kd) (local.get $kd))))
            (local.set $xd (f64x2.promote_low_f32x4 (local.get $xb)))
            (local.set $kd (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $qb)) (local.get $sc)))
            (local.set $ed (f64x2.sub (local.get $xd) (local.get $kd)))
            (local.set $sx (f64x2.add (local.get $sx) (f64x2.mul (local.get $xd) (local.get $xd))))
            (local.set $se (f64x2.add (local.get $se) (f64x2.mul (local.get $ed) (local.get $ed))))
            (local.set $sk (f64x2.add (local.get $sk) (f64x2.mul (local.get $kd) (local.get $kd))))
            (local.set $xd (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $xb) (local.get $xb))))
            (local.set $kd (f64x2.mul (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $qb) (local.get $qb))) (local.get $sc)))
            (local.set $ed (f64x2.sub (local.get $xd) (local.get $kd)))
            (local.set $sx (f64x2.add (local.get $sx) (f64x2.mul (local.get $xd) (local.get $xd))))
            (local.set $se (f64x2.add (local.get $se) (f64x2.mul (local.get $ed) (local.get $ed))))
            (local.set $sk (f64x2.add (local.get $sk) (f64x2.mul (local.get $kd) (local.get $kd))))
            (local.set $x (i32.add (local.get $x) (i32.const 32)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $vec)))
        (local.set $ax (f64.add (f64x2.extract_lane 0 (local.get $sx)) (f64x2.extract_lane 1 (local.get $sx))))
        (local.set $ae (f64.add (f64x2.extract_lane 0 (local.get $se)) (f64x2.extract_lane 1 (local.get $se))))
        (local.set $ak (f64.add (f64x2.extract_lane 0 (local.get $sk)) (f64x2.extract_lane 1 (local.get $sk))))
        ;; The rest one at a time, then zeros to the end of the stored row.
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $x) (local.get $end)))
            (local.set $q (i32.trunc_sat_f32_s (f32.nearest (f32.mul (f32.load (local.get $x)) (local.get $inverse)))))
            (if (i32.gt_s (local.get $q) (local.get $limit)) (then (local.set $q (local.get $limit))))
            (if (i32.lt_s (local.get $q) (i32.sub (i32.const 0) (local.get $limit))) (then (local.set $q (i32.sub (i32.const 0) (local.get $limit)))))
            (i32.store16 (local.get $o) (local.get $q))
            (local.set $tx (f64.promote_f32 (f32.load (local.get $x))))
            (local.set $tk (f64.mul (f64.convert_i32_s (local.get $q)) (local.get $scale)))
            (local.set $te (f64.sub (local.get $tx) (local.get $tk)))
            (local.set $ax (f64.add (local.get $ax) (f64.mul (local.get $tx) (local.get $tx))))
            (local.set $ae (f64.add (local.get $ae) (f64.mul (local.get $te) (local.get $te))))
            (local.set $ak (f64.add (local.get $ak) (f64.mul (local.get $tk) (local.get $tk))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (local.set $o (i32.add (local.get $o) (i32.const 2)))
            (br $tail)))
        (block $padDone
          (loop $pad
            (br_if $padDone (i32.ge_u (local.get $o) (local.get $rowEnd)))
            (i32.store16 (local.get $o) (i32.const 0))
            (local.set $o (i32.add (local.get $o) (i32.const 2)))
            (br $pad)))
        (local.set $p (i32.add (local.get $stats) (i32.mul (local.get $i) (i32.const 24))))
        (f64.store (local.get $p) (local.get $ax))
        (f64.store offset=8 (local.get $p) (local.get $ae))
        (f64.store offset=16 (local.get $p) (local.get $ak))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))


  ;; score_rows(q, items, dim, rows, count, out): out[p] (f32) = the score of query row q against
  ;; item row rows[p] (i32 row numbers), p < count, each pair with score_block's arithmetic (one
  ;; f32x4 MADD chain in t order, $hsum, then $tail), so the same bits. Eight rows at a time, as
  ;; eight chains hide the multiply-add latency; a last short group repeats its last row.
  (func (export "score_rows")
    (param $q i32) (param $items i32) (param $dim i32) (param $rows i32) (param $count i32) (param $out i32)
    (local $p i32) (local $off i32) (local $vecBytes i32) (local $rowBytes i32) (local $vecDim i32) (local $last i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local $a v128) (local $v v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $vecDim (i32.and (local.get $dim) (i32.const -4)))
    (local.set $vecBytes (i32.shl (local.get $vecDim) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $groupsDone
      (loop $groups
        (br_if $groupsDone (i32.ge_s (local.get $p) (local.get $count)))
        (local.set $x0 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 0)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 0)) (local.get $count))) (i32.const 2)))))))
        (local.set $x1 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 1)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 1)) (local.get $count))) (i32.const 2)))))))
        (local.set $x2 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 2)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 2)) (local.get $count))) (i32.const 2)))))))
        (local.set $x3 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 3)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 3)) (local.get $count))) (i32.const 2)))))))
        (local.set $x4 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 4)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 4)) (local.get $count))) (i32.const 2)))))))
        (local.set $x5 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 5)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 5)) (local.get $count))) (i32.const 2)))))))
        (local.set $x6 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 6)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 6)) (local.get $count))) (i32.const 2)))))))
        (local.set $x7 (i32.add (local.get $items) (i32.mul (local.get $rowBytes) (i32.load (i32.add (local.get $rows)
          (i32.shl (select (i32.add (local.get $p) (i32.const 7)) (local.get $last) (i32.lt_s (i32.add (local.get $p) (i32.const 7)) (local.get $count))) (i32.const 2)))))))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0)) (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0)) (local.set $s4 (v128.const i32x4 0 0 0 0)) (local.set $s5 (v128.const i32x4 0 0 0 0)) (local.set $s6 (v128.const i32x4 0 0 0 0)) (local.set $s7 (v128.const i32x4 0 0 0 0))
        (local.set $off (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $off) (local.get $vecBytes)))
            (local.set $a (v128.load (i32.add (local.get $q) (local.get $off))))
            (local.set $v (v128.load (i32.add (local.get $x0) (local.get $off))))
            (local.set $s0 (MADD (local.get $a) (local.get $v) (local.get $s0)))
            (local.set $v (v128.load (i32.add (local.get $x1) (local.get $off))))
            (local.set $s1 (MADD (local.get $a) (local.get $v) (local.get $s1)))
            (local.set $v (v128.load (i32.add (local.get $x2) (local.get $off))))
            (local.set $s2 (MADD (local.get $a) (local.get $v) (local.get $s2)))
            (local.set $v (v128.load (i32.add (local.get $x3) (local.get $off))))
            (local.set $s3 (MADD (local.get $a) (local.get $v) (local.get $s3)))
            (local.set $v (v128.load (i32.add (local.get $x4) (local.get $off))))
            (local.set $s4 (MADD (local.get $a) (local.get $v) (local.get $s4)))
            (local.set $v (v128.load (i32.add (local.get $x5) (local.get $off))))
            (local.set $s5 (MADD (local.get $a) (local.get $v) (local.get $s5)))
            (local.set $v (v128.load (i32.add (local.get $x6) (local.get $off))))
            (local.set $s6 (MADD (local.get $a) (local.get $v) (local.get $s6)))
            (local.set $v (v128.load (i32.add (local.get $x7) (local.get $off))))
            (local.set $s7 (MADD (local.get $a) (local.get $v) (local.get $s7)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $vec)))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 0)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 0)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s0)) (local.get $q) (local.get $x0) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 1)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s1)) (local.get $q) (local.get $x1) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 2)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 2)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s2)) (local.get $q) (local.get $x2) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 3)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 3)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s3)) (local.get $q) (local.get $x3) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 4)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 4)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s4)) (local.get $q) (local.get $x4) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 5)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 5)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s5)) (local.get $q) (local.get $x5) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 6)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 6)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s6)) (local.get $q) (local.get $x6) (local.get $vecDim) (local.get $dim)))))
        (if (i32.lt_s (i32.add (local.get $p) (i32.const 7)) (local.get $count))
          (then (f32.store (i32.add (local.get $out) (i32.shl (i32.add (local.get $p) (i32.const 7)) (i32.const 2)))
            (call $tail (call $hsum (local.get $s7)) (local.get $q) (local.get $x7) (local.get $vecDim) (local.get $dim)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $groups))))

  ;; narrow_rows(src, count, dst, rowBytes, offset, sums): int16 rows (2 · rowBytes bytes apart, values
  ;; within ±127) to int8 rows (rowBytes apart, a multiple of 16) of value + offset; sums[i] (i32) =
  ;; the sum of row i's int16 values.
  (func (export "narrow_rows")
    (param $src i32) (param $count i32) (param $dst i32) (param $rowBytes i32) (param $offset i32) (param $sums i32)
    (local $i i32) (local $s i32) (local $o i32) (local $end i32) (local $shift v128) (local $a v128) (local $b v128) (local $sum v128)
    (local.set $shift (i8x16.splat (local.get $offset)))
    (local.set $s (local.get $src))
    (local.set $o (local.get $dst))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $end (i32.add (local.get $o) (local.get $rowBytes)))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $a (v128.load (local.get $s)))
            (local.set $b (v128.load offset=16 (local.get $s)))
            (local.set $sum (i32x4.add (local.get $sum) (i32x4.add
              (i32x4.extadd_pairwise_i16x8_s (local.get $a)) (i32x4.extadd_pairwise_i16x8_s (local.get $b)))))
            (v128.store (local.get $o) (i8x16.add (i8x16.narrow_i16x8_s (local.get $a) (local.get $b)) (local.get $shift)))
            (local.set $s (i32.add (local.get $s) (i32.const 32)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $vec)))
        (i32.store (i32.add (local.get $sums) (i32.shl (local.get $i) (i32.const 2))) (call $isum (local.get $sum)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

;; Copies columns [col0, col0 + cols) of `rows` rows (rowBytes apart, from src) into panels of
  ;; `width` (4 or 8) columns: dst[(panel · rows + r) · width + c], zero past the last column. Row by
  ;; row, so the source is read in order (walking a column panel down the rows would touch one cache
  ;; line per row, rows a multiple of 1 KiB apart falling into a few cache sets).
  (func (export "pack_panels")
    (param $src i32) (param $rows i32) (param $rowBytes i32) (param $col0 i32) (param $cols i32)
    (param $width i32) (param $dst i32)
    (local $panel i32) (local $whole i32) (local $r i32) (local $c i32) (local $from i32) (local $to i32)
    (local $panelBytes i32) (local $widthBytes i32) (local $rowStart i32) (local $col i32)
    (local.set $widthBytes (i32.shl (local.get $width) (i32.const 2)))
    (local.set $panelBytes (i32.mul (local.get $rows) (local.get $widthBytes)))
    ;; Panels whose columns all exist.
    (local.set $whole (i32.div_u (local.get $cols) (local.get $width)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $rowStart (i32.add (local.get $src) (i32.add (i32.mul (local.get $r) (local.get $rowBytes)) (i32.shl (local.get $col0) (i32.const 2)))))
        (local.set $from (local.get $rowStart))
        (local.set $to (i32.add (local.get $dst) (i32.mul (local.get $r) (local.get $widthBytes))))
        (local.set $panel (i32.const 0))
        (block $wholeDone
          (loop $wholeLoop
            (br_if $wholeDone (i32.ge_u (local.get $panel) (local.get $whole)))
            (v128.store (local.get $to) (v128.load (local.get $from)))
            (if (i32.eq (local.get $width) (i32.const 8))
              (then (v128.store offset=16 (local.get $to) (v128.load offset=16 (local.get $from)))))
            (local.set $from (i32.add (local.get $from) (local.get $widthBytes)))
            (local.set $to (i32.add (local.get $to) (local.get $panelBytes)))
            (local.set $panel (i32.add (local.get $panel) (i32.const 1)))
            (br $wholeLoop)))
        ;; A last, partial panel: its columns, then zeros (without reading past the row, which may end the memory).
        (if (i32.lt_u (i32.mul (local.get $whole) (local.get $width)) (local.get $cols))
          (then
            (local.set $c (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $c) (local.get $width)))
                (local.set $col (i32.add (i32.mul (local.get $whole) (local.get $width)) (local.get $c)))
                (f32.store (i32.add (local.get $to) (i32.shl (local.get $c) (i32.const 2)))
                  (if (result f32) (i32.lt_u (local.get $col) (local.get $cols))
                    (then (f32.load (i32.add (local.get $rowStart) (i32.shl (local.get $col) (i32.const 2)))))
                    (else (f32.const 0))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $colLoop)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

    ;; out[0 … 3] += the four f32 lanes of v, widened to f64 (out: four f64).
  (func $addWide (param $out i32) (param $v v128)
    (v128.store (local.get $out) (f64x2.add (v128.load (local.get $out)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $out)
      (f64x2.add (v128.load offset=16 (local.get $out))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))))

  ;; AᵀB over one chunk of packed rows (see the header).
  (func (export "cross_panels")
    (param $a i32) (param $b i32) (param $rows i32) (param $panels i32) (param $out i32) (param $outStride i32)
    (local $panel i32) (local $r i32) (local $pa i32) (local $pb i32) (local $o i32) (local $rowBytes i32)
    (local $x v128) (local $y v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $outStride) (i32.const 3)))
    (local.set $pb (local.get $b))
    (block $panelsDone
      (loop $panelLoop
        (br_if $panelsDone (i32.ge_u (local.get $panel) (local.get $panels)))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $t0 (v128.const i32x4 0 0 0 0)) (local.set $t1 (v128.const i32x4 0 0 0 0))
        (local.set $t2 (v128.const i32x4 0 0 0 0)) (local.set $t3 (v128.const i32x4 0 0 0 0))
        (local.set $pa (local.get $a))
        (local.set $r (local.get $rows))
        (block $rowsDone
          (loop $row
            (br_if $rowsDone (i32.eqz (local.get $r)))
            (local.set $x (v128.load (local.get $pb)))
            (local.set $y (v128.load offset=16 (local.get $pb)))
            (local.set $w0 (v128.load32_splat (local.get $pa)))
            (local.set $w1 (v128.load32_splat offset=4 (local.get $pa)))
            (local.set $w2 (v128.load32_splat offset=8 (local.get $pa)))
            (local.set $w3 (v128.load32_splat offset=12 (local.get $pa)))
            (local.set $s0 (MADD (local.get $w0) (local.get $x) (local.get $s0)))
            (local.set $s1 (MADD (local.get $w1) (local.get $x) (local.get $s1)))
            (local.set $s2 (MADD (local.get $w2) (local.get $x) (local.get $s2)))
            (local.set $s3 (MADD (local.get $w3) (local.get $x) (local.get $s3)))
            (local.set $t0 (MADD (local.get $w0) (local.get $y) (local.get $t0)))
            (local.set $t1 (MADD (local.get $w1) (local.get $y) (local.get $t1)))
            (local.set $t2 (MADD (local.get $w2) (local.get $y) (local.get $t2)))
            (local.set $t3 (MADD (local.get $w3) (local.get $y) (local.get $t3)))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (br $row)))
        ;; Each float32 chunk sum is added to the float64 total: lanes 0–1 and 2–3 of each vector.
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $panel) (i32.const 6))))
        (call $addWide (local.get $o) (local.get $s0))
        (call $addWide (i32.add (local.get $o) (i32.const 32)) (local.get $t0))
        (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
        (call $addWide (local.get $o) (local.get $s1))
        (call $addWide (i32.add (local.get $o) (i32.const 32)) (local.get $t1))
        (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
        (call $addWide (local.get $o) (local.get $s2))
        (call $addWide (i32.add (local.get $o) (i32.const 32)) (local.get $t2))
        (local.set $o (i32.add (local.get $o) (local.get $rowBytes)))
        (call $addWide (local.get $o) (local.get $s3))
        (call $addWide (i32.add (local.get $o) (i32.const 32)) (local.get $t3))
        (local.set $panel (i32.add (local.get $panel) (i32.const 1)))
        (br $panelLoop))))

  ;; Positions of tile entries that reach a list's bar (see the header).
  (func (export "filter_tile")
    (param $tile i32) (param $stride i32) (param $width i32) (param $slots i32)
    (param $bars i32) (param $itemBars i32) (param $out i32) (result i32)
    (local $g i32) (local $t i32) (local $row i32) (local $mask i32) (local $hits i32) (local $widthBytes i32)
    (local $bar v128) (local $v v128)
    (local.set $widthBytes (i32.shl (local.get $width) (i32.const 2)))
    (block $slotsDone
      (loop $slot
        (br_if $slotsDone (i32.ge_u (local.get $g) (local.get $slots)))
        (local.set $bar (v128.load32_splat (i32.add (local.get $bars) (i32.shl (local.get $g) (i32.const 2)))))
        (local.set $row (i32.add (local.get $tile) (i32.shl (i32.mul (local.get $g) (local.get $stride)) (i32.const 2))))
        (local.set $t (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $t) (local.get $widthBytes)))
            (local.set $v (v128.load (i32.add (local.get $row) (local.get $t))))
            (local.set $mask (i32x4.bitmask (v128.or
              (i32x4.ge_s (local.get $v) (local.get $bar))
              (i32x4.ge_s (local.get $v) (v128.load (i32.add (local.get $itemBars) (local.get $t)))))))
            (if (local.get $mask)
              (then
                (loop $bits
                  (i32.store (i32.add (local.get $out) (i32.shl (local.get $hits) (i32.const 2)))
                    (i32.add (i32.mul (local.get $g) (local.get $stride))
                      (i32.add (i32.shr_u (local.get $t) (i32.const 2)) (i32.ctz (local.get $mask)))))
                  (local.set $hits (i32.add (local.get $hits) (i32.const 1)))
                  (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
                  (br_if $bits (local.get $mask)))))
            (local.set $t (i32.add (local.get $t) (i32.const 16)))
            (br $next)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $slot)))
    (local.get $hits))

;; out[0 … dim) (f64) += each listed row, in list order: four rows per pass over the columns
  ;; (out_j + a_j + b_j + c_j + d_j, added left to right: the bits of one row at a time), then the rest one by one.
  (func (export "sum_rows") (param $values i32) (param $dim i32) (param $rows i32) (param $count i32) (param $out i32)
    (local $p i32) (local $x i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $t i32) (local $o i32) (local $quadEnd i32)
    (local $v v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $quadEnd (i32.and (local.get $dim) (i32.const -4)))
    (block $fourDone
      (loop $four
        (br_if $fourDone (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $count)))
        (local.set $x (i32.add (local.get $values) (i32.shl (i32.mul (i32.load offset=0 (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))
        (local.set $x1 (i32.add (local.get $values) (i32.shl (i32.mul (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))
        (local.set $x2 (i32.add (local.get $values) (i32.shl (i32.mul (i32.load offset=8 (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))
        (local.set $x3 (i32.add (local.get $values) (i32.shl (i32.mul (i32.load offset=12 (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))
        (local.set $t (i32.const 0))
        (local.set $o (local.get $out))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.ge_u (local.get $t) (local.get $quadEnd)))
            (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $v1 (v128.load (i32.add (local.get $x1) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $v2 (v128.load (i32.add (local.get $x2) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $v3 (v128.load (i32.add (local.get $x3) (i32.shl (local.get $t) (i32.const 2)))))
            (v128.store (local.get $o)
              (f64x2.add (f64x2.add (f64x2.add (f64x2.add (v128.load (local.get $o))
                (f64x2.promote_low_f32x4 (local.get $v))) (f64x2.promote_low_f32x4 (local.get $v1)))
                (f64x2.promote_low_f32x4 (local.get $v2))) (f64x2.promote_low_f32x4 (local.get $v3))))
            (v128.store offset=16 (local.get $o)
              (f64x2.add (f64x2.add (f64x2.add (f64x2.add (v128.load offset=16 (local.get $o))
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v1) (local.get $v1))))
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v2) (local.get $v2))))
                (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v3) (local.get $v3)))))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $quad)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $t) (local.get $dim)))
            (f64.store (local.get $o) (f64.add (f64.add (f64.add (f64.add (f64.load (local.get $o))
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2))))))
              (f64.promote_f32 (f32.load (i32.add (local.get $x1) (i32.shl (local.get $t) (i32.const 2))))))
              (f64.promote_f32 (f32.load (i32.add (local.get $x2) (i32.shl (local.get $t) (i32.const 2))))))
              (f64.promote_f32 (f32.load (i32.add (local.get $x3) (i32.shl (local.get $t) (i32.const 2)))))))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tail)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $four)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $x (i32.add (local.get $values) (i32.shl (i32.mul (i32.load offset=0 (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))
        (local.set $t (i32.const 0))
        (local.set $o (local.get $out))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.ge_u (local.get $t) (local.get $quadEnd)))
            (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (f64x2.promote_low_f32x4 (local.get $v))))
            (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o))
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $o (i32.add (local.get $o) (i32.const 32)))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $quad)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $t) (local.get $dim)))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tail)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $row))))

  ;; out[i] (f64) = Σ_t a_it·b_it for rows [0, count) of two dim-wide f32 matrices (a = b for the
  ;; row norms): one float64 sum per row in t order (the bits of src/core/row-norms.ts; each product of
  ;; two f32 is exact in f64). Four rows side by side, so four chains of additions overlap.
  (func (export "row_dots") (param $a i32) (param $b i32) (param $dim i32) (param $count i32) (param $out i32)
    (local $i i32) (local $p i32) (local $q i32) (local $end i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64)
    (local.set $r1 (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $r2 (i32.shl (local.get $r1) (i32.const 1)))
    (local.set $r3 (i32.add (local.get $r2) (local.get $r1)))
    (block $quadsDone
      (loop $quad
        (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $count)))
        (local.set $s0 (f64.const 0)) (local.set $s1 (f64.const 0)) (local.set $s2 (f64.const 0)) (local.set $s3 (f64.const 0))
        (local.set $p (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $r1))))
        (local.set $q (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $r1))))
        (local.set $end (i32.add (local.get $p) (local.get $r1)))
        (block $columnsDone
          (loop $column
            (br_if $columnsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64.promote_f32 (f32.load (local.get $q))))))
            (local.set $s1 (f64.add (local.get $s1) (f64.mul
              (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $r1)))) (f64.promote_f32 (f32.load (i32.add (local.get $q) (local.get $r1)))))))
            (local.set $s2 (f64.add (local.get $s2) (f64.mul
              (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $r2)))) (f64.promote_f32 (f32.load (i32.add (local.get $q) (local.get $r2)))))))
            (local.set $s3 (f64.add (local.get $s3) (f64.mul
              (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $r3)))) (f64.promote_f32 (f32.load (i32.add (local.get $q) (local.get $r3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (br $column)))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $p) (local.get $s0))
        (f64.store offset=8 (local.get $p) (local.get $s1))
        (f64.store offset=16 (local.get $p) (local.get $s2))
        (f64.store offset=24 (local.get $p) (local.get $s3))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $s0 (f64.const 0))
        (local.set $p (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $r1))))
        (local.set $q (i32.add (local.get $b) (i32.mul (local.get $i) (local.get $r1))))
        (local.set $end (i32.add (local.get $p) (local.get $r1)))
        (block $columnsDone
          (loop $column
            (br_if $columnsDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64.promote_f32 (f32.load (local.get $q))))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (br $column)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))) (local.get $s0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; Row p of out (dim f32 from byte offset out) = row rows[p] of values × scales[p] (f64) for p < count:
  ;; each value promoted, multiplied in float64 and rounded to f32 (the bits of src/core/row-norms.ts).
  ;; out may be values itself when rows[p] = p (each value is read before it is written).
  (func (export "scale_rows") (param $values i32) (param $dim i32) (param $rows i32) (param $count i32) (param $scales i32) (param $out i32)
    (local $p i32) (local $x i32) (local $o i32) (local $t i32) (local $quadEnd i32) (local $rowBytes i32)
    (local $scale f64) (local $s v128) (local $v v128)
    (local.set $quadEnd (i32.and (local.get $dim) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $x (i32.add (local.get $values)
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $rowBytes))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $p) (local.get $rowBytes))))
        (local.set $scale (f64.load (i32.add (local.get $scales) (i32.shl (local.get $p) (i32.const 3)))))
        (local.set $s (f64x2.splat (local.get $scale)))
        (local.set $t (i32.const 0))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.ge_u (local.get $t) (local.get $quadEnd)))
            (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))
            (v128.store (i32.add (local.get $o) (i32.shl (local.get $t) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $s)))
                (f32x4.demote_f64x2_zero (f64x2.mul
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
                  (local.get $s)))))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $quad)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $t) (local.get $dim)))
            (f32.store (i32.add (local.get $o) (i32.shl (local.get $t) (i32.const 2)))
              (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2))))) (local.get $scale))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tail)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $row))))

;; out[p] (f64) = Σ_t (x_t − c_t)² for each listed row (centre: dim f64), in the order of the header.
  ;; Two rows at a time (the second repeats the first when the list ends), so two chains overlap.
  (func (export "squared_distances") (param $values i32) (param $dim i32) (param $rows i32) (param $count i32) (param $centre i32) (param $out i32)
    (local $p i32) (local $x i32) (local $y i32) (local $t i32) (local $c i32) (local $quadEnd i32) (local $pairEnd i32)
    (local $v v128) (local $w v128) (local $d v128) (local $accX v128) (local $accY v128) (local $s f64) (local $e f64)
    (local.set $quadEnd (i32.and (local.get $dim) (i32.const -4)))
    (local.set $pairEnd (i32.and (local.get $dim) (i32.const -2)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $count)))
        (local.set $x (i32.add (local.get $values)
          (i32.shl (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))
        (local.set $y (local.get $x))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $count))
          (then
            (local.set $y (i32.add (local.get $values)
              (i32.shl (i32.mul (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))) (local.get $dim)) (i32.const 2))))))
        (local.set $accX (v128.const i64x2 0 0))
        (local.set $accY (v128.const i64x2 0 0))
        (local.set $t (i32.const 0))
        (local.set $c (local.get $centre))
        (block $quadsDone
          (loop $quad
            (br_if $quadsDone (i32.ge_u (local.get $t) (local.get $quadEnd)))
            (local.set $v (v128.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $w (v128.load (i32.add (local.get $y) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (local.get $c))))
            (local.set $accX (f64x2.add (local.get $accX) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $w)) (v128.load (local.get $c))))
            (local.set $accY (f64x2.add (local.get $accY) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))
              (v128.load offset=16 (local.get $c))))
            (local.set $accX (f64x2.add (local.get $accX) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $w) (local.get $w)))
              (v128.load offset=16 (local.get $c))))
            (local.set $accY (f64x2.add (local.get $accY) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $c (i32.add (local.get $c) (i32.const 32)))
            (local.set $t (i32.add (local.get $t) (i32.const 4)))
            (br $quad)))
        ;; A last pair (dim % 4 ≥ 2): two f32 into the low lanes.
        (if (i32.lt_u (local.get $t) (local.get $pairEnd))
          (then
            (local.set $d (f64x2.sub
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2)))))
              (v128.load (local.get $c))))
            (local.set $accX (f64x2.add (local.get $accX) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $d (f64x2.sub
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $y) (i32.shl (local.get $t) (i32.const 2)))))
              (v128.load (local.get $c))))
            (local.set $accY (f64x2.add (local.get $accY) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (local.set $t (i32.add (local.get $t) (i32.const 2)))))
        (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $accX)) (f64x2.extract_lane 1 (local.get $accX))))
        (if (i32.lt_u (local.get $t) (local.get $dim))
          (then
            (local.set $e (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $t) (i32.const 2))))) (f64.load (local.get $c))))
            (local.set $s (f64.add (local.get $s) (f64.mul (local.get $e) (local.get $e))))))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3))) (local.get $s))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $count))
          (then
            (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $accY)) (f64x2.extract_lane 1 (local.get $accY))))
            (if (i32.lt_u (local.get $t) (local.get $dim))
              (then
                (local.set $e (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $y) (i32.shl (local.get $t) (i32.const 2))))) (f64.load (local.get $c))))
                (local.set $s (f64.add (local.get $s) (f64.mul (local.get $e) (local.get $e))))))
            (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3))) (local.get $s))))
        (local.set $p (i32.add (local.get $p) (i32.const 2)))
        (br $row))))
)
