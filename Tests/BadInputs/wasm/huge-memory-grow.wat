;; Grows the heap to the 4 GiB maximum, then once more (which must fail with -1), and replies
;; with both results (little-endian i32s). Never-written pages cost the host nothing.
(module
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update grow")
    (i32.store (i32.const 0) (memory.grow (i32.const 65535)))
    (i32.store (i32.const 4) (memory.grow (i32.const 1)))
    (call $append (i32.const 0) (i32.const 8))
    (call $reply)))
