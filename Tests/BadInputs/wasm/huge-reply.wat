;; Appends 1 MiB to its reply three times: past the 2 MiB a response may have, which the IC
;; traps at (interface spec, msg_reply_data_append), before the host holds it.
(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 16)
  (func (export "canister_update reply")
    (call $append (i32.const 0) (i32.const 1048576))
    (call $append (i32.const 0) (i32.const 1048576))
    (call $append (i32.const 0) (i32.const 1048576))
    (call $reply)))
