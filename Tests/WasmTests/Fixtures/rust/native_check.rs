//! Prints the expected results of the fixtures' exports from a native (host) build of the same
//! sources, for Tests/WasmTests/RustModuleTests.swift. Built and run by `./build.sh --expected`,
//! which first compiles each fixture as a native rlib. Panicking arguments are not called here
//! (a panic cannot unwind out of an `extern "C"` function); the test checks that they trap.
extern crate collections;
extern crate hashing;
extern crate panics;
extern crate shapes;

fn main() {
    for n in [0, 1, 1_000, 5_000] {
        println!("collections sorted_checksum({n}) = {}", collections::sorted_checksum(n));
    }
    for n in [0, 10, 500] {
        println!("collections word_histogram({n}) = {}", collections::word_histogram(n));
    }
    for kib in [0, 1, 256] {
        println!("collections big_buffer({kib}) = {}", collections::big_buffer(kib));
    }
    for n in [0, 1, 1_000] {
        println!("hashing fnv1a({n}) = {}", hashing::fnv1a(n));
    }
    for (seed, rounds) in [(0, 0), (42, 1_000), (-1, 77)] {
        println!("hashing mix({seed}, {rounds}) = {}", hashing::mix(seed, rounds));
    }
    for x in [0, 1, i64::MIN] {
        println!("hashing splitmix({x}) = {}", hashing::splitmix(x));
    }
    for (a, b) in [(i64::MIN, -1), (123_456_789_012, -987), (-5, 0)] {
        println!("hashing signed_ops({a}, {b}) = {}", hashing::signed_ops(a, b));
    }
    for n in [0, 1, 100] {
        let value = shapes::total_area(n);
        println!("shapes total_area({n}) = {value:?} (bits 0x{:016x})", value.to_bits());
    }
    for n in [100] {
        let value = shapes::total_perimeter(n);
        println!("shapes total_perimeter({n}) = {value:?} (bits 0x{:016x})", value.to_bits());
    }
    for n in [1_000] {
        let value = shapes::spiral(n);
        println!("shapes spiral({n}) = {value:?} (bits 0x{:016x})", value.to_bits());
    }
    for x in [1e10, -1e10, f64::NAN, -3.9, 2_147_483_647.5] {
        println!("shapes saturate({x:?}) = {}", shapes::saturate(x));
    }
    for i in [0, 15] {
        println!("panics prime_at({i}) = {}", panics::prime_at(i));
    }
    for (a, b) in [(7, 2), (-7, 2), (i32::MIN, 1)] {
        println!("panics divide({a}, {b}) = {}", panics::divide(a, b));
    }
    for n in [0, 255] {
        println!("panics roundtrip_u8({n}) = {}", panics::roundtrip_u8(n));
    }
    for n in [100, 65_535] {
        println!("panics checked_triangle({n}) = {}", panics::checked_triangle(n));
    }
}
