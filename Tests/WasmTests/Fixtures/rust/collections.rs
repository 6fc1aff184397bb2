//! Heap-using Rust with std (not no_std): `Vec` growth, `sort`, `dedup`, `BTreeMap<String, _>`,
//! `format!` and a large zeroed allocation, all on std's default global allocator for
//! wasm32-unknown-unknown (dlmalloc, which asks for pages with `memory.grow`).
use std::collections::BTreeMap;
use std::fmt::Write;

/// Pushes `n` pseudo-random 16-bit values one by one (so the Vec reallocates as it grows), sorts
/// them (a stable sort, which allocates a scratch buffer), removes duplicates and folds what is
/// left into a checksum whose low 32 bits are the number of distinct values.
#[no_mangle]
pub extern "C" fn sorted_checksum(n: i32) -> i64 {
    let mut state: u32 = 12_345;
    let mut values: Vec<u32> = Vec::new();
    for _ in 0..n {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        values.push((state >> 8) & 0xFFFF);
    }
    values.sort();
    values.dedup();
    let mut sum: u64 = 0;
    for (index, value) in values.iter().enumerate() {
        sum = sum.wrapping_mul(31).wrapping_add(u64::from(*value) ^ index as u64);
    }
    ((sum & 0xFFFF_FFFF_0000_0000) | values.len() as u64) as i64
}

/// Counts `n` generated words (made with `format!`) in a `BTreeMap<String, u32>`, then walks the
/// map in key order, appending "key=count;" to a `String`, and returns an FNV-1a hash of that
/// text mixed with its length.
#[no_mangle]
pub extern "C" fn word_histogram(n: i32) -> i64 {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..n {
        let word = format!("w{}", (i.wrapping_mul(i).wrapping_add(7)) % 97);
        *counts.entry(word).or_insert(0) += 1;
    }
    let mut text = String::new();
    for (word, count) in &counts {
        write!(text, "{}={};", word, count).unwrap();
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash ^ ((text.len() as u64) << 48)) as i64
}

/// Allocates `kib` KiB zeroed (`vec![0u8; ...]`, more than the module's initial memory for large
/// arguments), writes a pattern into it, keeps a second boxed copy alive, and sums both.
#[no_mangle]
pub extern "C" fn big_buffer(kib: i32) -> i64 {
    let size = (kib.max(0) as usize) * 1024;
    let mut buffer = vec![0u8; size];
    for (index, byte) in buffer.iter_mut().enumerate() {
        *byte = (index.wrapping_mul(7) ^ (index >> 9)) as u8;
    }
    let copy: Box<[u8]> = buffer.clone().into_boxed_slice();
    let mut sum: u64 = 0;
    for (a, b) in buffer.iter().zip(copy.iter()) {
        sum = sum.wrapping_add(u64::from(*a) * 3 + u64::from(*b));
    }
    sum as i64
}
