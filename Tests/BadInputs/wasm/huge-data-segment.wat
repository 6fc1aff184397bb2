;; A data segment placed past the end of its one-page memory: instantiation fails.
(module
  (memory 1)
  (data (i32.const 0xFFFFFFF0) "past the end of memory"))
