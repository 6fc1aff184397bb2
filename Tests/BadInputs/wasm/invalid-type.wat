;; Well-formed but invalid: i32.add of an i64 (validation must reject it, with the offset).
(module
  (func (export "canister_update bad") (drop (i32.add (i64.const 1) (i32.const 2)))))
