;; A method that takes and returns values: canister methods are () -> ().
(module
  (func (export "canister_update add") (param i32) (result i32) (local.get 0)))
