;; A table of 2^32 - 1 elements: beyond the interpreter's table limit.
(module
  (table 4294967295 funcref))
