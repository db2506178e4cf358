//! How long `Polygon::from_rings` takes to check a large boundary, for BENCHMARKS.md.
//!
//! For each size n (positions, the closing ones included): one ring of n positions on a
//! circle, and a ring of n/2 positions with n/2 more in small square holes inside it. Both
//! are valid, so every check runs to the end; the second gives the hole test work too. Last,
//! the time to refuse a ring of 1,000,000 positions.
//!
//! ```sh
//! cargo run --release -p gongfu-domain --example polygon_validity -- 10000 50000 100000 200000
//! ```
//!
//! Prints the best of three runs in milliseconds. A measurement, not a test: the numbers
//! depend on the machine.

use std::time::Instant;

use gongfu_domain::place::Polygon;

/// A closed ring of `n` positions (n - 1 vertices) on a circle of 0.2 degrees around
/// Shenzhen.
fn circle(n: usize) -> Vec<[f64; 2]> {
    let mut ring: Vec<[f64; 2]> = (0..n - 1)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64 * std::f64::consts::TAU;
            [114.0 + 0.2 * t.cos(), 22.5 + 0.2 * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// `k` small closed squares (5 positions each) on a grid well inside the circle.
fn holes(k: usize) -> Vec<Vec<[f64; 2]>> {
    let side = (k as f64).sqrt().ceil() as usize;
    let step = 0.2 / side as f64;
    (0..k)
        .map(|i| {
            let (x, y) = (
                114.0 - 0.1 + (i % side) as f64 * step,
                22.5 - 0.1 + (i / side) as f64 * step,
            );
            let d = step / 3.0;
            vec![[x, y], [x, y + d], [x + d, y + d], [x + d, y], [x, y]]
        })
        .collect()
}

fn best_ms(rings: &[Vec<[f64; 2]>]) -> f64 {
    (0..3)
        .map(|_| {
            let t = Instant::now();
            if let Err(e) = Polygon::from_rings(rings) {
                eprintln!("refused: {e}");
            }
            t.elapsed().as_secs_f64() * 1000.0
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000, 50_000, 100_000, 200_000]
    } else {
        sizes
    };
    println!("| positions | one ring (ms) | half in a ring, half in holes (ms) |");
    println!("|---|---|---|");
    for n in sizes {
        let ring = if n <= 100_000 {
            format!("{:.1}", best_ms(&[circle(n)]))
        } else {
            "past the ring cap".into()
        };
        let mut with_holes = vec![circle(n / 2)];
        with_holes.extend(holes(n / 10));
        println!("| {n} | {ring} | {:.1} |", best_ms(&with_holes));
    }
    let big = vec![vec![[114.0, 22.5]; 1_000_000]];
    let t = Instant::now();
    let refused = Polygon::from_rings(&big).is_err();
    println!(
        "\n1,000,000 positions: refused {refused} in {:.3} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
}
