;; Grows the heap to 4 GiB and fills all of it: the host would have to hold 4 GiB for this
;; one canister (per replica). ICSim caps what a memory may hold (canisterMemoryHeldMax,
;; 1 GiB by default) and traps the message instead; the canister stays as it was.
(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update fill")
    (drop (memory.grow (i32.const 65535)))
    (memory.fill (i32.const 0) (i32.const 0x61) (i32.const 0xFFFFFFFF))
    (call $reply)))
