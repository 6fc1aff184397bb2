;; An update and a query that loop forever: each must stop at its instruction limit.
(module
  (func (export "canister_update spin") (loop $forever (br $forever)))
  (func (export "canister_query spin_query") (loop $forever (br $forever))))
