;; Float64 loops for the symmetric eigenvalue problem behind Procrustes (src/kernels/linalg-kernel.ts):
;; the Gram matrix of a d × d matrix's rows, and the two O(m²) steps of each Householder
;; tridiagonalisation step, on the lower triangle of a row-major n × n matrix. f64x2 lanes with
;; separate multiply and add (IEEE-exact per lane, so the same bits on every machine). The module
;; owns its memory; the caller grows it and passes byte offsets.
;;
;; gram_lower(x, n, out, from, to): out[j·n + i] = ⟨x_i, x_j⟩ for from ≤ i < to, i ≤ j < n (x: n rows
;;   of n f64; from a multiple of 4), four rows i by two rows j per pass over k. Every entry is summed the same way wherever it falls in a tile:
;;   lane sums over the first n − n % 2 terms, then lane 0 + lane 1, then the last term when n is odd.
;; symv_lower(a, n, m, u, out): out[0 … m) = A u for the symmetric m × m block of a whose lower
;;   triangle is stored (row j, columns k ≤ j), one pass over the triangle; out must be zero. Row j's
;;   own sum Σ_{k<j} a_jk·u_k goes into two accumulators (even and odd pairs of k), added at the end.
;; rank2_lower(a, n, m, u, e): a_jk −= u_j·e_k + e_j·u_k for k ≤ j < m (the symmetric rank-2 update).
(module
  (memory (export "memory") 1 65536)

  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; hsum(v) plus, when n is odd, the product of the last entries of the two rows.
  (func $finish (param $v v128) (param $p i32) (param $q i32) (param $n i32) (result f64)
    (local $s f64) (local $last i32)
    (local.set $s (call $hsum (local.get $v)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 1)) (i32.const 3)))
        (local.set $s (f64.add (local.get $s)
          (f64.mul (f64.load (i32.add (local.get $p) (local.get $last)))
                   (f64.load (i32.add (local.get $q) (local.get $last))))))))
    (local.get $s))

  ;; Stores ⟨x_i, x_j⟩ at out[j·n + i] when i ≤ j < n (tiles overhang the triangle and the last row).
  (func $put (param $out i32) (param $n i32) (param $i i32) (param $j i32) (param $value f64)
    (if (i32.and (i32.lt_u (local.get $j) (local.get $n)) (i32.le_u (local.get $i) (local.get $j)))
      (then
        (f64.store
          (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $n)) (local.get $i)) (i32.const 3)))
          (local.get $value)))))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_u (local.get $a) (local.get $b))))

  (func (export "gram_lower") (param $x i32) (param $n i32) (param $out i32) (param $from i32) (param $to i32)
    (local $i i32) (local $j i32) (local $off i32) (local $rowBytes i32) (local $pairBytes i32) (local $last i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $ra i32) (local $rb i32)
    (local $va v128) (local $vb v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 3)))
    (local.set $pairBytes (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3)))
    (local.set $last (i32.sub (local.get $n) (i32.const 1)))
    (local.set $i (local.get $from))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (call $min (local.get $to) (local.get $n))))
        (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $r1 (i32.add (local.get $x) (i32.mul (call $min (i32.add (local.get $i) (i32.const 1)) (local.get $last)) (local.get $rowBytes))))
        (local.set $r2 (i32.add (local.get $x) (i32.mul (call $min (i32.add (local.get $i) (i32.const 2)) (local.get $last)) (local.get $rowBytes))))
        (local.set $r3 (i32.add (local.get $x) (i32.mul (call $min (i32.add (local.get $i) (i32.const 3)) (local.get $last)) (local.get $rowBytes))))
        (local.set $j (local.get $i))
        (block $columnsDone
          (loop $columns
            (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $ra (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $rowBytes))))
            (local.set $rb (i32.add (local.get $x) (i32.mul (call $min (i32.add (local.get $j) (i32.const 1)) (local.get $last)) (local.get $rowBytes))))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $b0 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
            (local.set $b2 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
            (local.set $off (i32.const 0))
            (block $termsDone
              (loop $terms
                (br_if $termsDone (i32.ge_u (local.get $off) (local.get $pairBytes)))
                (local.set $va (v128.load (i32.add (local.get $ra) (local.get $off))))
                (local.set $vb (v128.load (i32.add (local.get $rb) (local.get $off))))
                (local.set $c0 (v128.load (i32.add (local.get $r0) (local.get $off))))
                (local.set $c1 (v128.load (i32.add (local.get $r1) (local.get $off))))
                (local.set $c2 (v128.load (i32.add (local.get $r2) (local.get $off))))
                (local.set $c3 (v128.load (i32.add (local.get $r3) (local.get $off))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $c0) (local.get $va))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $c1) (local.get $va))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $c2) (local.get $va))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $c3) (local.get $va))))
                (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $c0) (local.get $vb))))
                (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $c1) (local.get $vb))))
                (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $c2) (local.get $vb))))
                (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $c3) (local.get $vb))))
                (local.set $off (i32.add (local.get $off) (i32.const 16)))
                (br $terms)))
            (call $put (local.get $out) (local.get $n) (local.get $i) (local.get $j) (call $finish (local.get $a0) (local.get $r0) (local.get $ra) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (i32.add (local.get $i) (i32.const 1)) (local.get $j) (call $finish (local.get $a1) (local.get $r1) (local.get $ra) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (i32.add (local.get $i) (i32.const 2)) (local.get $j) (call $finish (local.get $a2) (local.get $r2) (local.get $ra) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (i32.add (local.get $i) (i32.const 3)) (local.get $j) (call $finish (local.get $a3) (local.get $r3) (local.get $ra) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (local.get $i) (i32.add (local.get $j) (i32.const 1)) (call $finish (local.get $b0) (local.get $r0) (local.get $rb) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (i32.add (local.get $i) (i32.const 1)) (i32.add (local.get $j) (i32.const 1)) (call $finish (local.get $b1) (local.get $r1) (local.get $rb) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (i32.add (local.get $i) (i32.const 2)) (i32.add (local.get $j) (i32.const 1)) (call $finish (local.get $b2) (local.get $r2) (local.get $rb) (local.get $n)))
            (call $put (local.get $out) (local.get $n) (i32.add (local.get $i) (i32.const 3)) (i32.add (local.get $j) (i32.const 1)) (call $finish (local.get $b3) (local.get $r3) (local.get $rb) (local.get $n)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $columns)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows))))

  (func (export "symv_lower") (param $a i32) (param $n i32) (param $m i32) (param $u i32) (param $out i32)
    (local $j i32) (local $off i32) (local $row i32) (local $pairBytes i32) (local $uj f64) (local $ujv v128)
    (local $acc v128) (local $acc2 v128) (local $ajk v128) (local $gg f64) (local $scalar f64) (local $at i32) (local $quadBytes i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $m)))
        (local.set $row (i32.add (local.get $a) (i32.mul (local.get $j) (i32.shl (local.get $n) (i32.const 3)))))
        (local.set $uj (f64.load (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $ujv (f64x2.splat (local.get $uj)))
        (local.set $acc (v128.const i64x2 0 0))
        ;; columns k < j in pairs
        (local.set $pairBytes (i32.shl (i32.and (local.get $j) (i32.const -2)) (i32.const 3)))
        (local.set $quadBytes (i32.and (local.get $pairBytes) (i32.const -32)))
        (local.set $off (i32.const 0))
        (local.set $acc2 (v128.const i64x2 0 0))
        ;; Two pairs per step into two accumulators (even and odd pairs), so two chains of additions overlap.
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.ge_u (local.get $off) (local.get $quadBytes)))
            (local.set $ajk (v128.load (i32.add (local.get $row) (local.get $off))))
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $ajk) (v128.load (i32.add (local.get $u) (local.get $off))))))
            (v128.store (i32.add (local.get $out) (local.get $off))
              (f64x2.add (v128.load (i32.add (local.get $out) (local.get $off))) (f64x2.mul (local.get $ajk) (local.get $ujv))))
            (local.set $ajk (v128.load offset=16 (i32.add (local.get $row) (local.get $off))))
            (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.mul (local.get $ajk) (v128.load offset=16 (i32.add (local.get $u) (local.get $off))))))
            (v128.store offset=16 (i32.add (local.get $out) (local.get $off))
              (f64x2.add (v128.load offset=16 (i32.add (local.get $out) (local.get $off))) (f64x2.mul (local.get $ajk) (local.get $ujv))))
            (local.set $off (i32.add (local.get $off) (i32.const 32)))
            (br $quads)))
        ;; a last pair
        (if (i32.lt_u (local.get $off) (local.get $pairBytes))
          (then
            (local.set $ajk (v128.load (i32.add (local.get $row) (local.get $off))))
            (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $ajk) (v128.load (i32.add (local.get $u) (local.get $off))))))
            (v128.store (i32.add (local.get $out) (local.get $off))
              (f64x2.add (v128.load (i32.add (local.get $out) (local.get $off))) (f64x2.mul (local.get $ajk) (local.get $ujv))))))
        (local.set $gg (call $hsum (f64x2.add (local.get $acc) (local.get $acc2))))
        ;; the last column k = j − 1 when j is odd
        (if (i32.and (local.get $j) (i32.const 1))
          (then
            (local.set $at (local.get $pairBytes))
            (local.set $scalar (f64.load (i32.add (local.get $row) (local.get $at))))
            (local.set $gg (f64.add (local.get $gg) (f64.mul (local.get $scalar) (f64.load (i32.add (local.get $u) (local.get $at))))))
            (f64.store (i32.add (local.get $out) (local.get $at))
              (f64.add (f64.load (i32.add (local.get $out) (local.get $at))) (f64.mul (local.get $scalar) (local.get $uj))))))
        ;; the diagonal
        (local.set $at (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (i32.add (local.get $out) (local.get $at))
          (f64.add (f64.load (i32.add (local.get $out) (local.get $at)))
            (f64.add (local.get $gg) (f64.mul (f64.load (i32.add (local.get $row) (local.get $at))) (local.get $uj)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  (func (export "rank2_lower") (param $a i32) (param $n i32) (param $m i32) (param $u i32) (param $e i32)
    (local $j i32) (local $off i32) (local $row i32) (local $pairBytes i32) (local $at i32)
    (local $uj f64) (local $ej f64) (local $ujv v128) (local $ejv v128) (local $p i32)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $m)))
        (local.set $row (i32.add (local.get $a) (i32.mul (local.get $j) (i32.shl (local.get $n) (i32.const 3)))))
        (local.set $uj (f64.load (i32.add (local.get $u) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $ej (f64.load (i32.add (local.get $e) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $ujv (f64x2.splat (local.get $uj)))
        (local.set $ejv (f64x2.splat (local.get $ej)))
        ;; columns k ≤ j in pairs
        (local.set $pairBytes (i32.shl (i32.and (i32.add (local.get $j) (i32.const 1)) (i32.const -2)) (i32.const 3)))
        (local.set $off (i32.const 0))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $off) (local.get $pairBytes)))
            (local.set $p (i32.add (local.get $row) (local.get $off)))
            (v128.store (local.get $p)
              (f64x2.sub (v128.load (local.get $p))
                (f64x2.add (f64x2.mul (local.get $ujv) (v128.load (i32.add (local.get $e) (local.get $off))))
                           (f64x2.mul (local.get $ejv) (v128.load (i32.add (local.get $u) (local.get $off)))))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (br $pairs)))
        ;; the diagonal when j + 1 is odd (j even)
        (if (i32.eqz (i32.and (local.get $j) (i32.const 1)))
          (then
            (local.set $at (local.get $pairBytes))
            (local.set $p (i32.add (local.get $row) (local.get $at)))
            (f64.store (local.get $p)
              (f64.sub (f64.load (local.get $p))
                (f64.add (f64.mul (local.get $uj) (f64.load (i32.add (local.get $e) (local.get $at))))
                         (f64.mul (local.get $ej) (f64.load (i32.add (local.get $u) (local.get $at)))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows)))))
