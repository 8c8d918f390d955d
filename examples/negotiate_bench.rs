//! Times `Locale::negotiate` against a naive baseline (a linear, case-insensitive exact-match
//! scan of `ALL` for each range, in header order, without q-values or fallback).
//!
//! `cargo run --release --example negotiate_bench`

use std::hint::black_box;
use std::time::Instant;

use toolgen_sdk::workos::user_management::invitations::create::Locale;

const HEADERS: &[&str] = &[
    "en-US,en;q=0.9",
    "fr-CA,fr;q=0.8,en;q=0.5",
    "es-MX,es;q=0.9",
    "zh-Hant-TW",
    "pt-AO, *;q=0.1",
    "xx-YY, de-AT;q=0.7",
];

fn naive(header: &str) -> Option<Locale> {
    header.split(',').find_map(|range| {
        let tag = range.split(';').next().unwrap_or_default().trim();
        Locale::ALL
            .iter()
            .copied()
            .find(|v| v.as_str().eq_ignore_ascii_case(tag))
    })
}

fn time(name: &str, f: impl Fn(&str) -> Option<Locale>) -> f64 {
    const ROUNDS: usize = 200_000;
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for header in HEADERS {
            black_box(f(black_box(header)));
        }
    }
    let per_call = start.elapsed().as_secs_f64() * 1e9 / (ROUNDS * HEADERS.len()) as f64;
    println!("{name:>10}: {per_call:7.1} ns per header");
    per_call
}

fn main() {
    let baseline = time("naive", naive);
    let negotiate = time("negotiate", Locale::negotiate);
    println!("negotiate / naive = {:.2}", negotiate / baseline);
}
