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
;; score_i16(q0, q1, q2, q3, items, start, end, rowBytes, out, stride): the same tile of exact
;; integer dot products of quantised rows (int16 lanes; rowBytes a multiple of 16, rows padded with
;; zeros), written as i32 to out[g * stride + (j - start)]. Used to screen kNN candidates; the
;; caller keeps every |Σ| < 2^31 by its choice of scale (src/kernels/quantise.ts).
;;
;; filter_tile(tile, stride, width, slots, bars, itemBars, out) -> hits: the positions
;; g * stride + t (g < slots, t < width rounded up to 4) of an i32 tile whose value is at least
;; bars[g] (the query's list) or itemBars[t] (the item's list), written to out in order.
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

  (func (export "score_i16")
    (param $q0 i32) (param $q1 i32) (param $q2 i32) (param $q3 i32)
    (param $items i32) (param $start i32) (param $end i32) (param $rowBytes i32)
    (param $out i32) (param $stride i32)
    (local $j i32) (local $x i32) (local $y i32) (local $o i32) (local $off i32) (local $rowStride i32)
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
        (local.set $y (i32.add (local.get $x) (local.get $rowBytes)))
        (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (v128.const i32x4 0 0 0 0))
        (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $s3 (v128.const i32x4 0 0 0 0))
        (local.set $r0 (v128.const i32x4 0 0 0 0)) (local.set $r1 (v128.const i32x4 0 0 0 0))
        (local.set $r2 (v128.const i32x4 0 0 0 0)) (local.set $r3 (v128.const i32x4 0 0 0 0))
        (local.set $off (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $off) (local.get $rowBytes)))
            (local.set $vx (v128.load (i32.add (local.get $x) (local.get $off))))
            (local.set $vy (v128.load (i32.add (local.get $y) (local.get $off))))
            (local.set $a (v128.load (i32.add (local.get $q0) (local.get $off))))
            (local.set $b (v128.load (i32.add (local.get $q1) (local.get $off))))
            (local.set $c (v128.load (i32.add (local.get $q2) (local.get $off))))
            (local.set $e (v128.load (i32.add (local.get $q3) (local.get $off))))
            (local.set $s0 (IDOT (local.get $a) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (local.get $b) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (local.get $c) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (local.get $e) (local.get $vx) (local.get $s3)))
            (local.set $r0 (IDOT (local.get $a) (local.get $vy) (local.get $r0)))
            (local.set $r1 (IDOT (local.get $b) (local.get $vy) (local.get $r1)))
            (local.set $r2 (IDOT (local.get $c) (local.get $vy) (local.get $r2)))
            (local.set $r3 (IDOT (local.get $e) (local.get $vy) (local.get $r3)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $vec)))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $j) (local.get $start)) (i32.const 2))))
        (i32.store (local.get $o) (call $isum (local.get $s0)))
        (i32.store offset=4 (local.get $o) (call $isum (local.get $r0)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (call $isum (local.get $s1)))
        (i32.store offset=4 (local.get $o) (call $isum (local.get $r1)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (call $isum (local.get $s2)))
        (i32.store offset=4 (local.get $o) (call $isum (local.get $r2)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (call $isum (local.get $s3)))
        (i32.store offset=4 (local.get $o) (call $isum (local.get $r3)))
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
            (br_if $vecDone1 (i32.ge_u (local.get $off) (local.get $rowBytes)))
            (local.set $vx (v128.load (i32.add (local.get $x) (local.get $off))))
            (local.set $s0 (IDOT (v128.load (i32.add (local.get $q0) (local.get $off))) (local.get $vx) (local.get $s0)))
            (local.set $s1 (IDOT (v128.load (i32.add (local.get $q1) (local.get $off))) (local.get $vx) (local.get $s1)))
            (local.set $s2 (IDOT (v128.load (i32.add (local.get $q2) (local.get $off))) (local.get $vx) (local.get $s2)))
            (local.set $s3 (IDOT (v128.load (i32.add (local.get $q3) (local.get $off))) (local.get $vx) (local.get $s3)))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $vec1)))
        (local.set $o (i32.add (local.get $out) (i32.shl (i32.sub (local.get $j) (local.get $start)) (i32.const 2))))
        (i32.store (local.get $o) (call $isum (local.get $s0)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (call $isum (local.get $s1)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (call $isum (local.get $s2)))
        (local.set $o (i32.add (local.get $o) (local.get $rowStride)))
        (i32.store (local.get $o) (call $isum (local.get $s3))))))
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
)
