//! f64 work through trait objects with std: a `Vec<Box<dyn Shape>>` whose methods are called
//! through vtables (`call_indirect`), `sqrt` (an instruction) and `sin`/`cos`/`tan`/`atan2`
//! (std's software libm on wasm32-unknown-unknown).
use std::f64::consts::PI;

trait Shape {
    fn area(&self) -> f64;
    fn perimeter(&self) -> f64;
    fn scale(&mut self, factor: f64);
}

struct Circle { radius: f64 }
struct Rectangle { width: f64, height: f64 }
struct Triangle { a: f64, b: f64, c: f64 }
struct RegularPolygon { sides: u32, side: f64 }

impl Shape for Circle {
    fn area(&self) -> f64 { PI * self.radius * self.radius }
    fn perimeter(&self) -> f64 { 2.0 * PI * self.radius }
    fn scale(&mut self, factor: f64) { self.radius *= factor; }
}

impl Shape for Rectangle {
    fn area(&self) -> f64 { self.width * self.height }
    fn perimeter(&self) -> f64 { 2.0 * (self.width + self.height) }
    fn scale(&mut self, factor: f64) { self.width *= factor; self.height *= factor; }
}

impl Shape for Triangle {
    /// Heron's formula.
    fn area(&self) -> f64 {
        let s = (self.a + self.b + self.c) / 2.0;
        (s * (s - self.a) * (s - self.b) * (s - self.c)).max(0.0).sqrt()
    }
    fn perimeter(&self) -> f64 { self.a + self.b + self.c }
    fn scale(&mut self, factor: f64) { self.a *= factor; self.b *= factor; self.c *= factor; }
}

impl Shape for RegularPolygon {
    fn area(&self) -> f64 {
        let n = f64::from(self.sides);
        n * self.side * self.side / (4.0 * (PI / n).tan())
    }
    fn perimeter(&self) -> f64 { f64::from(self.sides) * self.side }
    fn scale(&mut self, factor: f64) { self.side *= factor; }
}

fn make(i: u32) -> Box<dyn Shape> {
    let x = f64::from(i % 17) * 0.25 + 1.0;
    match i % 4 {
        0 => Box::new(Circle { radius: x }),
        1 => Box::new(Rectangle { width: x, height: x * 0.5 + 0.75 }),
        2 => Box::new(Triangle { a: x + 1.0, b: x + 1.5, c: x + 2.0 }),
        _ => Box::new(RegularPolygon { sides: 5 + i % 7, side: x }),
    }
}

fn shapes(n: i32) -> Vec<Box<dyn Shape>> {
    (0..n.max(0) as u32).map(make).collect()
}

/// The sum of the areas of the first `n` shapes after scaling shape i by 1 + sin(i)/4.
#[no_mangle]
pub extern "C" fn total_area(n: i32) -> f64 {
    let mut all = shapes(n);
    for (i, shape) in all.iter_mut().enumerate() {
        shape.scale(1.0 + (i as f64).sin() / 4.0);
    }
    all.iter().map(|shape| shape.area()).sum()
}

/// The sum of the perimeters of the first `n` shapes, unscaled.
#[no_mangle]
pub extern "C" fn total_perimeter(n: i32) -> f64 {
    shapes(n).iter().map(|shape| shape.perimeter()).sum()
}

/// The length of the closed polyline through `n` points on a spiral (cos, sin), plus the sum of
/// their angles recovered with atan2.
#[no_mangle]
pub extern "C" fn spiral(n: i32) -> f64 {
    let mut length = 0.0;
    let mut angles = 0.0;
    let (mut px, mut py) = (1.0f64, 0.0f64);
    for i in 1..=n.max(0) {
        let t = f64::from(i) * 0.1;
        let r = 1.0 + t * 0.05;
        let (x, y) = (r * t.cos(), r * t.sin());
        length += ((x - px) * (x - px) + (y - py) * (y - py)).sqrt();
        angles += y.atan2(x);
        px = x;
        py = y;
    }
    length + angles
}

/// Truncates `x` to i32 the way Rust's `as` does (saturating, NaN to 0), which rustc lowers to
/// range checks around `i32.trunc_f64_s` on targets without non-trapping conversions.
#[no_mangle]
pub extern "C" fn saturate(x: f64) -> i32 {
    x as i32
}
