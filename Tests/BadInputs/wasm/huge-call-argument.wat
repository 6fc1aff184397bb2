;; Starts a call to itself and appends 6 MiB to its argument twice: past the 10 MiB a call
;; within a subnet may carry, which the IC traps at (dfinity/ic RequestInPrep).
(module
  (import "ic0" "canister_self_copy" (func $self (param i32 i32 i32)))
  (import "ic0" "canister_self_size" (func $selfSize (result i32)))
  (import "ic0" "call_new" (func $new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $append (param i32 i32)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (memory 100)
  (data (i32.const 64) "again")
  (func (export "canister_update send")
    (call $self (i32.const 0) (i32.const 0) (call $selfSize))
    (call $new (i32.const 0) (call $selfSize) (i32.const 64) (i32.const 5)
               (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
    (call $append (i32.const 0) (i32.const 6291456))
    (call $append (i32.const 0) (i32.const 6291456))
    (drop (call $perform))))
