//! 64-bit integer work in a no_std crate (no allocator, no std): FNV-1a, xorshift64*,
//! splitmix64, rotations, bit counts, 64-bit division and 128-bit multiplication (which rustc
//! lowers to a compiler_builtins call, `__multi3`).
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// FNV-1a (64-bit) over the `n` bytes `(i * 31 + i / 7) mod 256`.
#[no_mangle]
pub extern "C" fn fnv1a(n: i32) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for i in 0..n.max(0) as u32 {
        let byte = (i.wrapping_mul(31).wrapping_add(i / 7)) as u8;
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash as i64
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `rounds` steps of xorshift64* seeded by splitmix64(`seed`), mixing in rotations, popcounts,
/// leading/trailing zero counts, an unsigned 64-bit division and remainder, and the high half of
/// a 64x64->128-bit product.
#[no_mangle]
pub extern "C" fn mix(seed: i64, rounds: i32) -> i64 {
    let mut split = seed as u64;
    let mut x = splitmix64(&mut split) | 1;
    let mut acc: u64 = 0;
    for round in 0..rounds.max(0) as u32 {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let y = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let high = ((u128::from(y) * u128::from(acc | 0xff)) >> 64) as u64;
        let divisor = (y >> 40) | 3;
        acc = acc.rotate_left(round % 64 + 1)
            ^ high
            ^ (y / divisor)
            ^ (y % divisor)
            ^ u64::from(y.count_ones() + y.leading_zeros() + (y | 1 << 63).trailing_zeros());
    }
    acc as i64
}

/// The splitmix64 finalizer applied to `x` once: a pure function for single-value checks.
#[no_mangle]
pub extern "C" fn splitmix(x: i64) -> i64 {
    let mut state = x as u64;
    splitmix64(&mut state) as i64
}

/// Signed 64-bit arithmetic that wraps: (a * b + a / (b | 1)) >> 3 with arithmetic shift.
#[no_mangle]
pub extern "C" fn signed_ops(a: i64, b: i64) -> i64 {
    let quotient = a.wrapping_div(b | 1);
    (a.wrapping_mul(b).wrapping_add(quotient).wrapping_sub(a.wrapping_rem(b | 1))) >> 3
}
