;; Performs 100 calls to itself with a 1 MiB argument each (100 MiB the host would hold
;; until the message ends): under the 10 MiB a call may carry, but past what ICSim lets one
;; message's calls hold (its memory limit), so it traps "host memory limit exceeded".
(module
  (import "ic0" "canister_self_copy" (func $self (param i32 i32 i32)))
  (import "ic0" "canister_self_size" (func $selfSize (result i32)))
  (import "ic0" "call_new" (func $new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $append (param i32 i32)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 17)
  (data (i32.const 64) "again")
  (func (export "canister_update send") (local $count i32)
    (call $self (i32.const 0) (i32.const 0) (call $selfSize))
    (loop $next
      (call $new (i32.const 0) (call $selfSize) (i32.const 64) (i32.const 5)
                 (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      (call $append (i32.const 0) (i32.const 1048576))
      (drop (call $perform))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $count) (i32.const 100))))
    (call $reply)))
