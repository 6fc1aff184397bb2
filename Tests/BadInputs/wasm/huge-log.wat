;; Prints 64 KiB a thousand times (64 MB of log text), once more from outside its heap, and
;; replies: the log keeps its last 4 KiB (interface spec, canister logs), and debug_print
;; never traps (a range outside the heap prints a placeholder).
(module
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (data (i32.const 0) "log line ")
  (func (export "canister_update print") (local $count i32)
    (loop $next
      (call $print (i32.const 0) (i32.const 65536))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $count) (i32.const 1000))))
    (call $print (i32.const 65000) (i32.const 1000))
    (call $reply)))
