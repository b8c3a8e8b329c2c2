//! Prints each record's 001 or error: `cargo run --example dump -- FORMAT FILE`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let format = unicat_marc::Format::from_name(&args[1]).expect("format");
    let file = std::io::BufReader::new(std::fs::File::open(&args[2]).expect("file"));
    for r in unicat_marc::Reader::new(file, format) {
        match r {
            Ok(rec) => println!("ok {:?} {} fields", rec.control_number(), rec.fields.len()),
            Err(e) => println!("ERR {e}"),
        }
    }
}
