//! Panic paths with std and panic=abort: bounds checks, division by zero, `unwrap` on an `Err`,
//! and an explicit formatted `panic!`. On wasm32-unknown-unknown the panic runs std's panic
//! machinery (the message is formatted, the default hook has nowhere to print) and then aborts
//! with the `unreachable` instruction, so a bad argument must trap with "unreachable".

static PRIMES: [i32; 16] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

/// The `index`th prime of a 16-entry table; panics (index out of bounds) outside 0..16.
#[no_mangle]
pub extern "C" fn prime_at(index: i32) -> i32 {
    PRIMES[index as usize]
}

/// `a / b`, with Rust's checks: panics on `b == 0` and on `i32::MIN / -1`.
#[no_mangle]
pub extern "C" fn divide(a: i32, b: i32) -> i32 {
    a / b
}

/// Formats `n` in decimal and parses it back as a `u8`; `unwrap` panics when it does not fit.
#[no_mangle]
pub extern "C" fn roundtrip_u8(n: i32) -> i32 {
    let text = n.to_string();
    i32::from(text.parse::<u8>().unwrap())
}

/// The sum 1 + 2 + ... + n in i32, computed with `checked_add`; panics with a formatted message
/// naming `n` when it overflows.
#[no_mangle]
pub extern "C" fn checked_triangle(n: i32) -> i32 {
    let mut sum: i32 = 0;
    for i in 1..=n {
        sum = match sum.checked_add(i) {
            Some(value) => value,
            None => panic!("triangle({}) overflows i32 at {}", n, i),
        };
    }
    sum
}
