;; msg_reply imported with a parameter it does not have.
(module
  (import "ic0" "msg_reply" (func $reply (param i32)))
  (func (export "canister_update reply") (call $reply (i32.const 1))))
