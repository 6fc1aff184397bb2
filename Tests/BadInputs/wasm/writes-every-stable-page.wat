;; Grows stable memory to 4 GiB and writes all of it, 64 KiB at a time from the heap: the
;; stable-memory twin of writes-every-page, capped and trapped the same way.
(module
  (import "ic0" "stable64_grow" (func $grow (param i64) (result i64)))
  (import "ic0" "stable64_write" (func $write (param i64 i64 i64)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update fill") (local $offset i64)
    (drop (call $grow (i64.const 65536)))
    (loop $next
      (call $write (local.get $offset) (i64.const 0) (i64.const 65536))
      (local.set $offset (i64.add (local.get $offset) (i64.const 65536)))
      (br_if $next (i64.lt_u (local.get $offset) (i64.const 0x100000000))))
    (call $reply)))
