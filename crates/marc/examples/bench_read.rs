//! Throwaway timing: `cargo run --release --example bench_read -- FORMAT FILE`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let format = unicat_marc::Format::from_name(&args[1]).expect("format");
    let t = std::time::Instant::now();
    let file =
        std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&args[2]).expect("file"));
    let (mut ok, mut bad, mut fields) = (0u64, 0u64, 0usize);
    for r in unicat_marc::Reader::new(file, format) {
        match r {
            Ok(rec) => {
                ok += 1;
                fields += rec.fields.len();
            }
            Err(_) => bad += 1,
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{ok} ok {bad} bad {fields} fields in {s:.2}s = {:.0} rec/s",
        ok as f64 / s
    );
}
