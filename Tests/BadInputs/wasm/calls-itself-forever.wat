;; Each call of "again" calls "again" on the canister itself and replies when that call
;; answers: an endless chain of calls, paid for in cycles, bounded per round like any load.
(module
  (import "ic0" "canister_self_size" (func $self_size (result i32)))
  (import "ic0" "canister_self_copy" (func $self_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_perform" (func $call_perform (result i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $answered $answered)
  (data (i32.const 100) "again")
  (func $answered (param i32) (call $reply))
  (func (export "canister_update again")
    (call $self_copy (i32.const 0) (i32.const 0) (call $self_size))
    (call $call_new (i32.const 0) (call $self_size) (i32.const 100) (i32.const 5)
                    (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (drop (call $call_perform))))
