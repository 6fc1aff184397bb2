;; Unbounded recursion: the interpreter's call-depth limit traps it (no host recursion).
(module
  (func $down (export "canister_update recurse") (call $down)))
