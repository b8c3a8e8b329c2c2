//! `bench`: Unicat's performance measurements, run by `benches/run-all.sh`
//! (see benches/README.md for the figures and how to reproduce them).
//!
//! - `bench marc`: MARC parsing rates against yaz-marcdump on the same files.
//! - `bench split`: the LC corpus split into libraries of mixed formats.
//! - `bench queries`: in-process latencies of search, holdings, lenders and
//!   overlap on a harvested network.
//! - `bench known-item`: the share of patron queries (a pasted title, title
//!   and author, a typing slip, the first words) that find their
//!   manifestation first and in the top ten, on labelled networks.
//! - `bench check`: list checking's rate and memory on a harvested network,
//!   every answer recounted.
//! - `bench quality`: pairwise precision and recall of a harvested network's
//!   clusters against a truth file, overall and for the pairs involving each
//!   variant and class of a netgen truth.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use unicat_benches::netgen::score::pairwise_touching;
use unicat_catalog::{Catalog, IdentifierKind, SearchRequest};
use unicat_marc::{Format, Framer, Reader};

#[derive(Parser)]
#[command(about = "Unicat's benchmarks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// MARC parsing rates, side by side with yaz-marcdump.
    Marc {
        /// The LC corpus (ISO 2709).
        #[arg(long)]
        corpus: PathBuf,
        /// Where to keep the corpus converted to MARCXML.
        #[arg(long)]
        xml: PathBuf,
    },
    /// Splits a corpus into libraries of mixed formats, with a network.toml.
    Split {
        /// The corpus.
        #[arg(long)]
        corpus: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Libraries.
        #[arg(long, default_value_t = 10)]
        libraries: usize,
    },
    /// Harvest rate of an export with one MARC holdings record (MFHD) after
    /// each bib, against the same bibs alone: writes both exports (the
    /// corpus repeated with changed 001s up to `--records` bibs) and their
    /// networks under `--out`, then harvests each (the harvest stage only:
    /// read, decode, describe, attach, store).
    Mfhd {
        /// The LC corpus (ISO 2709).
        #[arg(long)]
        corpus: PathBuf,
        /// Output folder (git-ignored: benches/data/…).
        #[arg(long)]
        out: PathBuf,
        /// Bibliographic records.
        #[arg(long, default_value_t = 1_000_000)]
        records: usize,
        /// Harvests of each export (the best rate is kept).
        #[arg(long, default_value_t = 1)]
        runs: usize,
    },
    /// The exports of the nightly benchmark (`benches/scripts/nightly.sh`):
    /// the first `--records` records of an ISO 2709 export, their 001s
    /// prefixed so that they are a library of their own, written to
    /// `OUT/export-base.mrc`; and the same with every `--every`th record
    /// changed (a local note added, as a cataloguer's edit) to
    /// `OUT/export-changed.mrc`.
    Nightly {
        /// An ISO 2709 export to take the records from.
        #[arg(long)]
        from: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Records in the library.
        #[arg(long, default_value_t = 50_000)]
        records: usize,
        /// One record in this many is changed.
        #[arg(long, default_value_t = 20)]
        every: usize,
    },
    /// A corpus repeated for the capacity networks (`benches/scripts/
    /// capacity.sh`): the records as they are, then `--times - 1` more
    /// copies, each a distinct manifestation to netgen: 001 prefixed, the
    /// copy's number added to the title proper (245 $a), and the
    /// identifiers that would make netgen drop it as a duplicate (010,
    /// 019, 020, 022, 035) left out (netgen invents OCLC numbers and
    /// ISBNs for some of them, as for the originals without).
    Repeat {
        /// The corpus (ISO 2709).
        #[arg(long)]
        corpus: PathBuf,
        /// The output file (ISO 2709).
        #[arg(long)]
        out: PathBuf,
        /// Copies in all (1: the corpus as it is).
        #[arg(long, default_value_t = 2)]
        times: usize,
    },
    /// In-process latencies on a harvested network.
    Queries {
        /// The network configuration.
        #[arg(long)]
        config: PathBuf,
        /// Queries per kind.
        #[arg(long, default_value_t = 2000)]
        n: usize,
    },
    /// Known-item search: patron queries built from each manifestation of
    /// labelled networks, and how often the right cluster comes first and
    /// in the top ten. Each network is harvested into a temporary folder.
    KnownItem {
        /// A network configuration (repeat, with a --truth each).
        #[arg(long, required = true)]
        config: Vec<PathBuf>,
        /// Its truth.jsonl (library, record_id, manifestation).
        #[arg(long, required = true)]
        truth: Vec<PathBuf>,
        /// Manifestations per network (0: all).
        #[arg(long, default_value_t = 0)]
        sample: usize,
        /// Seed of the sample and the slips.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Misses to print per kind.
        #[arg(long, default_value_t = 0)]
        show: usize,
    },
    /// Pairwise precision and recall against a truth file.
    Quality {
        /// The network configuration.
        #[arg(long)]
        config: PathBuf,
        /// truth.jsonl (library, record_id, manifestation; netgen also writes
        /// variant and classes, scored apart).
        #[arg(long)]
        truth: PathBuf,
    },
    /// List checking: a generated list of identifiers against a harvested
    /// network, streamed; the rate, RSS, and a recount of every answer.
    Check {
        /// The network configuration.
        #[arg(long)]
        config: PathBuf,
        /// Lines in the list.
        #[arg(long, default_value_t = 100_000)]
        lines: usize,
        /// `unicat clusters` output of the network, for the recount of
        /// holding libraries (else read from the cluster documents).
        #[arg(long)]
        clusters: Option<PathBuf>,
    },
    /// Clusters a harvested network's stored matching views again, in
    /// process, and times the key index and the placing (no store writes).
    Cluster {
        /// The network configuration.
        #[arg(long)]
        config: PathBuf,
        /// truth.jsonl, to score the clustering too.
        #[arg(long)]
        truth: Option<PathBuf>,
    },
    /// The matching mistakes of a harvested network against a truth file:
    /// its records clustered again in process with the current matching
    /// code, and each missed or false pair shown with its evidence.
    Explain {
        /// The network configuration.
        #[arg(long)]
        config: PathBuf,
        /// truth.jsonl (library, record_id, manifestation).
        #[arg(long)]
        truth: PathBuf,
        /// Pairs of each kind to show.
        #[arg(long, default_value_t = 40)]
        show: usize,
    },
}

fn rate(n: u64, d: Duration) -> String {
    format!("{:.0}", n as f64 / d.as_secs_f64())
}

fn yaz(args: &[&str], input: &Path) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let status = std::process::Command::new("yaz-marcdump")
        .args(args)
        .arg(input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("run yaz-marcdump (Debian package yaz)")?;
    if !status.success() && status.code() != Some(5) {
        bail!("yaz-marcdump failed: {status}");
    }
    Ok(started.elapsed())
}

/// Reads every record on one thread.
fn read_serial(path: &Path, format: Format) -> anyhow::Result<(u64, Duration)> {
    let started = Instant::now();
    let file = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut n = 0;
    for r in Reader::new(file, format) {
        if r.is_ok() {
            n += 1;
        }
    }
    Ok((n, started.elapsed()))
}

/// Frames on one thread, decodes (and optionally normalises) on rayon.
fn read_parallel(path: &Path, format: Format, normalise: bool) -> anyhow::Result<(u64, Duration)> {
    let started = Instant::now();
    let file = BufReader::with_capacity(1 << 20, std::fs::File::open(path)?);
    let mut framer = Framer::new(file, format);
    let mut n = 0u64;
    let mut batch = Vec::with_capacity(4096);
    loop {
        batch.clear();
        while batch.len() < 4096 {
            match framer.next_raw() {
                Some(Ok(r)) => batch.push(r),
                Some(Err(_)) => {}
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        n += batch
            .par_iter()
            .filter(|raw| match unicat_marc::decode(format, raw) {
                Ok(rec) => {
                    if normalise {
                        let b = unicat_bib::BibRecord::from_marc(&rec);
                        std::hint::black_box(b);
                    }
                    true
                }
                Err(_) => false,
            })
            .count() as u64;
    }
    Ok((n, started.elapsed()))
}

fn marc(corpus: &Path, xml: &Path) -> anyhow::Result<()> {
    if !xml.exists() {
        eprintln!("writing {} …", xml.display());
        let mut w =
            unicat_marc::xml::Writer::new(std::io::BufWriter::new(std::fs::File::create(xml)?));
        let file = BufReader::with_capacity(1 << 20, std::fs::File::open(corpus)?);
        for r in Reader::new(file, Format::Iso2709).flatten() {
            w.write(&r)?;
        }
        w.finish()?;
    }
    let threads = rayon::current_num_threads();
    println!("| step | records | seconds | records/s |");
    println!("|---|---:|---:|---:|");
    let row = |name: &str, n: u64, d: Duration| {
        println!("| {name} | {n} | {:.2} | {} |", d.as_secs_f64(), rate(n, d))
    };
    let total = read_serial(corpus, Format::Iso2709)?.0;
    let d = yaz(&["-i", "marc", "-o", "marc"], corpus)?;
    row("yaz-marcdump -i marc -o marc", total, d);
    let (n, d) = read_serial(corpus, Format::Iso2709)?;
    row("unicat ISO 2709 read, 1 thread", n, d);
    let (n, d) = read_parallel(corpus, Format::Iso2709, false)?;
    row(&format!("unicat ISO 2709 read, {threads} threads"), n, d);
    let d = yaz(&["-i", "marcxml", "-o", "marc"], xml)?;
    row("yaz-marcdump -i marcxml -o marc", total, d);
    let (n, d) = read_serial(xml, Format::MarcXml)?;
    row("unicat MARCXML read, 1 thread", n, d);
    let (n, d) = read_parallel(xml, Format::MarcXml, false)?;
    row(&format!("unicat MARCXML read, {threads} threads"), n, d);
    let (n, d) = read_parallel(corpus, Format::Iso2709, true)?;
    row(
        &format!("unicat ISO 2709 read + normalise (BibRecord), {threads} threads"),
        n,
        d,
    );
    Ok(())
}

/// One MFHD for a bib: 004 link, 852 location and call number, 866.
fn mfhd_for(bib: &unicat_marc::Record, n: usize) -> unicat_marc::Record {
    use unicat_marc::{Indicators, Leader, Record, Subfield, Tag};
    let mut h = Record::new();
    h.leader = Leader::from_text("00000ny  a2200000 n 4500");
    let tag = |t: &str| Tag::parse(t).expect("a tag");
    h.push_control(tag("001"), format!("h{n}"));
    h.push_control(tag("004"), bib.control_number().unwrap_or("").trim());
    let call = bib
        .data_field("050")
        .and_then(|f| f.first('a'))
        .unwrap_or("Z1")
        .to_string();
    h.push_data(
        tag("852"),
        Indicators::new('0', ' '),
        vec![
            Subfield::new('b', "MAIN"),
            Subfield::new('c', "Stacks"),
            Subfield::new('h', call),
        ],
    );
    let first = 1 + (n % 30) as u32;
    h.push_data(
        tag("866"),
        Indicators::new('3', '1'),
        vec![
            Subfield::new('8', "0"),
            Subfield::new(
                'a',
                format!(
                    "v.{first}-{} ({}-{})",
                    first + 9,
                    1960 + first,
                    1969 + first
                ),
            ),
        ],
    );
    h
}

fn mfhd(corpus: &Path, out: &Path, records: usize, runs: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(out.join("bibs"))?;
    std::fs::create_dir_all(out.join("mfhd"))?;
    let bibs_path = out.join("bibs/records.mrc");
    let mfhd_path = out.join("mfhd/records.mrc");
    if !(bibs_path.exists() && mfhd_path.exists()) {
        let t = Instant::now();
        let mut bibs = unicat_marc::iso2709::Writer::new(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&bibs_path)?,
        ));
        let mut both = unicat_marc::iso2709::Writer::new(std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&mfhd_path)?,
        ));
        let mut n = 0usize;
        let mut pass = 0usize;
        'passes: while n < records {
            let file = BufReader::with_capacity(1 << 20, std::fs::File::open(corpus)?);
            let before = n;
            for mut r in Reader::new(file, Format::Iso2709).flatten() {
                if n == records {
                    break 'passes;
                }
                // Each pass gives the corpus's records new 001s.
                let id = format!("b{n}");
                r.fields.retain(|f| f.tag() != "001");
                r.fields.insert(
                    0,
                    unicat_marc::Field::Control {
                        tag: unicat_marc::Tag::parse("001").expect("tag"),
                        value: id,
                    },
                );
                bibs.write(&r)?;
                both.write(&r)?;
                both.write(&mfhd_for(&r, n))?;
                n += 1;
            }
            pass += 1;
            if n == before {
                bail!("no record in {}", corpus.display());
            }
        }
        bibs.finish()?;
        both.finish()?;
        println!(
            "wrote {n} bibs ({pass} passes of the corpus) and as many MFHDs in {:.1}s",
            t.elapsed().as_secs_f64()
        );
    }
    // The two exports are harvested in turns, so that the machine's drift
    // (other work on it) weighs on both alike; the best rate of each is kept.
    let exports = [("bibs", &bibs_path), ("mfhd", &mfhd_path)];
    for (name, file) in exports {
        std::fs::write(
            out.join(name).join("network.toml"),
            format!(
                "index_dir = \"index\"\n[[library]]\nid = \"{name}\"\nname = \"{name}\"\n[library.source]\nkind = \"file\"\npath = \"{}\"\nformat = \"iso2709\"\n",
                file.file_name().expect("a file").to_string_lossy()
            ),
        )?;
    }
    let mut rates = [0f64; 2];
    for _ in 0..runs.max(1) {
        for (k, (name, _)) in exports.iter().enumerate() {
            let dir = out.join(name);
            let _ = std::fs::remove_dir_all(dir.join("index"));
            let network = Arc::new(unicat_config::Network::load(&dir.join("network.toml"))?);
            let store = Arc::new(unicat_store::Store::open(&network.index_dir)?);
            let rt = tokio::runtime::Runtime::new()?;
            let report = rt.block_on(unicat_harvest::harvest(
                network,
                store,
                Default::default(),
                Arc::new(unicat_harvest::LogObserver),
            ))?;
            let lib = report.libraries.into_iter().next().context("a library")?;
            if lib.is_failure() {
                bail!("{name}: {}", lib.outcome);
            }
            println!(
                "{name}: {} bibs, {} holdings records ({} attached) in {:.1}s: {:.0} bibs/s",
                lib.read,
                lib.holdings_read,
                lib.holdings_attached,
                lib.elapsed.as_secs_f64(),
                lib.rate()
            );
            rates[k] = rates[k].max(lib.rate());
        }
    }
    println!(
        "bibs with one MFHD each harvest at {:.0}% of the bib-only rate ({:.0} vs {:.0} bibs/s)",
        100.0 * rates[1] / rates[0],
        rates[1],
        rates[0]
    );
    Ok(())
}

fn split(corpus: &Path, out: &Path, libraries: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    let total = read_serial(corpus, Format::Iso2709)?.0 as usize;
    let per = total.div_ceil(libraries);
    let formats = [Format::Iso2709, Format::MarcXml, Format::MarcJson];
    let mut config = String::from(
        "# The LC corpus split into libraries of mixed formats (bench split).\nindex_dir = \"index\"\n[harvest]\nconcurrency = 4\n",
    );
    let file = BufReader::with_capacity(1 << 20, std::fs::File::open(corpus)?);
    let mut records = Reader::new(file, Format::Iso2709).flatten();
    for i in 0..libraries {
        let format = formats[i % formats.len()];
        let ext = match format {
            Format::Iso2709 => "mrc",
            Format::MarcXml => "xml",
            Format::MarcJson => "json",
        };
        let name = format!("lib{:02}.{ext}", i + 1);
        let w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out.join(&name))?);
        match format {
            Format::Iso2709 => {
                let mut w = unicat_marc::iso2709::Writer::new(w);
                for r in records.by_ref().take(per) {
                    w.write(&r)?;
                }
                w.finish()?;
            }
            Format::MarcXml => {
                let mut w = unicat_marc::xml::Writer::new(w);
                for r in records.by_ref().take(per) {
                    w.write(&r)?;
                }
                w.finish()?;
            }
            Format::MarcJson => {
                let mut w = unicat_marc::json::Writer::new(w, unicat_marc::json::Container::Lines);
                for r in records.by_ref().take(per) {
                    w.write(&r)?;
                }
                w.finish()?;
            }
        }
        config.push_str(&format!(
            "\n[[library]]\nid = \"lib{:02}\"\nname = \"Library {:02}\"\n[library.source]\nkind = \"file\"\npath = \"{name}\"\nformat = \"{}\"\n",
            i + 1,
            i + 1,
            format.name()
        ));
    }
    std::fs::write(out.join("network.toml"), config)?;
    println!(
        "{} records in {libraries} libraries under {}",
        total,
        out.display()
    );
    Ok(())
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, times: &mut [Duration]) {
    let n = times.len();
    let p50 = percentile(times, 0.5);
    let p99 = percentile(times, 0.99);
    println!(
        "| {name} | {n} | {:.3} | {:.3} | {:.3} |",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        times[n - 1].as_secs_f64() * 1e3
    );
}

/// A tiny deterministic PRNG (the same queries every run).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn repeat(corpus: &Path, out: &Path, times: usize) -> anyhow::Result<()> {
    use unicat_marc::Field;
    anyhow::ensure!(times > 0, "--times must be at least 1");
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut bytes = Vec::new();
    let mut written = 0u64;
    for copy in 0..times {
        let file = BufReader::with_capacity(1 << 20, std::fs::File::open(corpus)?);
        for record in Reader::new(file, Format::Iso2709) {
            let Ok(mut record) = record else { continue };
            if copy > 0 {
                record
                    .fields
                    .retain(|f| !matches!(f.tag().as_str(), "010" | "019" | "020" | "022" | "035"));
                for f in &mut record.fields {
                    match f {
                        Field::Control { tag, value } if tag.as_str() == "001" => {
                            *value = format!("r{copy}-{}", value.trim());
                        }
                        Field::Data(d) if d.tag.as_str() == "245" => {
                            if let Some(a) = d.subfields.iter_mut().find(|s| s.code == 'a') {
                                let trimmed = a.value.trim_end_matches([' ', '/', ':', ';', '.']);
                                a.value = format!("{trimmed} (set {copy})");
                            }
                        }
                        _ => {}
                    }
                }
            }
            bytes.clear();
            if unicat_marc::iso2709::write_record(&record, &mut bytes).is_ok() {
                w.write_all(&bytes)?;
                written += 1;
            }
        }
    }
    w.flush()?;
    println!("{written} records in {}", out.display());
    Ok(())
}

fn nightly(from: &Path, out: &Path, records: usize, every: usize) -> anyhow::Result<()> {
    anyhow::ensure!(every > 0, "--every must be at least 1");
    std::fs::create_dir_all(out)?;
    let file = BufReader::with_capacity(1 << 20, std::fs::File::open(from)?);
    let mut base = std::io::BufWriter::new(std::fs::File::create(out.join("export-base.mrc"))?);
    let mut changed =
        std::io::BufWriter::new(std::fs::File::create(out.join("export-changed.mrc"))?);
    let (mut written, mut edited) = (0usize, 0usize);
    for record in Reader::new(file, Format::Iso2709) {
        let Ok(mut record) = record else { continue };
        if written == records {
            break;
        }
        let Some(id) = record.control("001").map(|s| format!("n-{}", s.trim())) else {
            continue;
        };
        for f in &mut record.fields {
            if let unicat_marc::Field::Control { tag, value } = f
                && tag.as_str() == "001"
            {
                *value = id.clone();
            }
        }
        let mut bytes = Vec::new();
        unicat_marc::iso2709::write_record(&record, &mut bytes)?;
        base.write_all(&bytes)?;
        if written % every == every - 1 {
            record
                .fields
                .push(unicat_marc::Field::Data(unicat_marc::DataField {
                    tag: unicat_marc::Tag::parse("590").context("tag")?,
                    indicators: unicat_marc::Indicators::new(' ', ' '),
                    subfields: vec![unicat_marc::Subfield::new(
                        'a',
                        format!("Local note: rebound, checked {written}."),
                    )],
                }));
            edited += 1;
        }
        bytes.clear();
        unicat_marc::iso2709::write_record(&record, &mut bytes)?;
        changed.write_all(&bytes)?;
        written += 1;
    }
    base.flush()?;
    changed.flush()?;
    anyhow::ensure!(
        written == records,
        "{} has only {written} records",
        from.display()
    );
    println!(
        "{written} records in {}, {edited} of them changed in {}",
        out.join("export-base.mrc").display(),
        out.join("export-changed.mrc").display()
    );
    Ok(())
}

fn queries(config: &Path, n: usize) -> anyhow::Result<()> {
    let network = Arc::new(unicat_config::Network::load(config)?);
    let catalog = Catalog::open(network.clone())?;
    // Sample clusters for realistic queries, from the harvesting machine's
    // local index (beside the store, whichever engine the catalog uses:
    // with SolrCloud, the same clusters are in the collection).
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut sample = Vec::new();
    let mut seen = 0usize;
    let local = unicat_index::CatalogIndex::open(&network.index_dir)?;
    local.for_each(|d| {
        seen += 1;
        if sample.len() < 2000 {
            sample.push(d);
        } else {
            let j = rng.below(seen);
            if j < 2000 {
                sample[j] = d;
            }
        }
    })?;
    anyhow::ensure!(!sample.is_empty(), "the index is empty: harvest first");
    let words = |t: &str, k: usize| -> String {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 3)
            .take(k)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let libraries: Vec<String> = network.libraries.iter().map(|l| l.id.to_string()).collect();
    let mut mix: Vec<SearchRequest> = Vec::with_capacity(n);
    for i in 0..n {
        let d = &sample[rng.below(sample.len())];
        let mut req = SearchRequest {
            per_page: 20,
            ..SearchRequest::default()
        };
        match i % 5 {
            0 => req.q = words(&d.title, 2),
            1 => {
                req.q = format!(
                    "author:{}",
                    d.authors
                        .first()
                        .map(|a| a.split(',').next().unwrap_or("").to_string())
                        .unwrap_or_default()
                )
            }
            2 => {
                req.q = d
                    .isbns
                    .first()
                    .map(|i| format!("isbn:{i}"))
                    .unwrap_or_else(|| words(&d.title, 1))
            }
            3 => {
                req.q = words(&d.title, 1);
                req.library = Some(libraries[rng.below(libraries.len())].clone());
            }
            _ => {
                req.q = format!("title:{}", words(&d.title, 1));
                req.format = Some(d.format.clone());
            }
        }
        if req.q.trim().is_empty() || req.q.ends_with(':') {
            req.q = "history".into();
        }
        mix.push(req);
    }
    println!("| in-process operation | n | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    // Warm the caches once.
    for r in mix.iter().take(200) {
        let _ = catalog.search(r);
    }
    let mut times = Vec::with_capacity(n);
    let mut failures = 0;
    for r in &mix {
        let t = Instant::now();
        let result = catalog.search(r);
        times.push(t.elapsed());
        if let Err(e) = result {
            failures += 1;
            if failures <= 5 {
                eprintln!("refused: {:?}: {e}", r.q);
            }
        }
    }
    let slowest_mix = slowest(&mix, &times, |r| r.q.clone());
    report(
        "search (titles, authors, ISBNs, library and format filters)",
        &mut times,
    );
    if failures > 0 {
        eprintln!("{failures} queries of the mix were refused (bad query)");
    }
    // The same mix, one result per work (the patron page's default).
    let grouped: Vec<SearchRequest> = mix
        .iter()
        .map(|r| SearchRequest {
            group: unicat_catalog::Group::Work,
            ..r.clone()
        })
        .collect();
    for r in grouped.iter().take(200) {
        let _ = catalog.search(r);
    }
    let mut times = Vec::with_capacity(n);
    for r in &grouped {
        let t = Instant::now();
        let _ = catalog.search(r);
        times.push(t.elapsed());
    }
    let slowest_grouped = slowest(&grouped, &times, |r| r.q.clone());
    report("search grouped by work (the same mix)", &mut times);
    // What patrons type into the box: a title pasted with its ISBD
    // punctuation and statement of responsibility, a title with a typing
    // slip (close spellings, suggestions), and words that find nothing
    // together (most of the words, suggestions).
    let mut slip_rng = unicat_benches::Rng::new(7);
    let patron: Vec<String> = (0..n)
        .map(|i| {
            let d = &sample[rng.below(sample.len())];
            let author = d.authors.first().map(String::as_str).unwrap_or("");
            match i % 3 {
                0 => match &d.subtitle {
                    Some(s) => format!("{} : {s} / {author}.", d.title),
                    None => format!("{} / {author}.", d.title),
                },
                1 => unicat_benches::known_item::slip(&d.title, &mut slip_rng)
                    .unwrap_or_else(|| d.title.clone()),
                _ => format!("{} zqxj", words(&d.title, 2)),
            }
        })
        .collect();
    let mut times = Vec::with_capacity(n);
    for q in &patron {
        let req = SearchRequest {
            q: q.clone(),
            per_page: 20,
            ..SearchRequest::default()
        };
        let t = Instant::now();
        let _ = catalog.search(&req)?;
        times.push(t.elapsed());
    }
    let slowest_patron = slowest(&patron, &times, String::clone);
    report(
        "search, patron box (pasted titles, slips, words that find nothing together)",
        &mut times,
    );
    let isbns: Vec<String> = sample
        .iter()
        .flat_map(|d| d.isbns.first().cloned())
        .collect();
    let mut times = Vec::with_capacity(n);
    for i in 0..n.min(isbns.len() * 4).max(1) {
        let isbn = &isbns[i % isbns.len().max(1)];
        let t = Instant::now();
        let r = catalog.holdings(IdentifierKind::Isbn, isbn)?;
        times.push(t.elapsed());
        anyhow::ensure!(!r.clusters.is_empty(), "ISBN {isbn} not found");
    }
    report("holdings by ISBN", &mut times);
    let shared: Vec<&unicat_catalog::ClusterDoc> =
        sample.iter().filter(|d| d.holdings.len() >= 2).collect();
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let d = shared[i % shared.len().max(1)];
        let t = Instant::now();
        let _ = catalog.lenders(&d.id, &d.holdings[0].library)?;
        times.push(t.elapsed());
    }
    report("lender suggestions", &mut times);
    let fresh = Catalog::open(network)?;
    let t = Instant::now();
    let o = fresh.overlap()?;
    let cold = t.elapsed();
    let mut cached = Vec::with_capacity(100);
    for _ in 0..100 {
        let t = Instant::now();
        let _ = fresh.overlap()?;
        cached.push(t.elapsed());
    }
    println!(
        "| overlap report, cold ({} clusters) | 1 | {:.1} | {:.1} | {:.1} |",
        o.clusters,
        cold.as_secs_f64() * 1e3,
        cold.as_secs_f64() * 1e3,
        cold.as_secs_f64() * 1e3
    );
    report("overlap report, cached", &mut cached);
    println!("\nslowest searches of the mix:");
    for (ms, q) in slowest_mix
        .iter()
        .chain(&slowest_grouped)
        .chain(&slowest_patron)
    {
        println!("{ms:>9.3} ms  {q:?}");
    }
    Ok(())
}

/// The five slowest queries of a run, with their times in milliseconds.
fn slowest<T>(
    queries: &[T],
    times: &[Duration],
    text: impl Fn(&T) -> String,
) -> Vec<(f64, String)> {
    let mut v: Vec<(f64, String)> = queries
        .iter()
        .zip(times)
        .map(|(q, t)| (t.as_secs_f64() * 1e3, text(q)))
        .collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0));
    v.truncate(5);
    v
}

/// Harvests a network into a fresh folder and opens its catalog.
fn harvest_into(config: &Path, dir: &Path) -> anyhow::Result<Catalog> {
    let mut network = unicat_config::Network::load(config)?;
    network.index_dir = dir.to_path_buf();
    let network = Arc::new(network);
    let store = Arc::new(unicat_store::Store::open(&network.index_dir)?);
    let index = Arc::new(unicat_index::CatalogIndex::open(&network.index_dir)?);
    let rt = tokio::runtime::Runtime::new()?;
    let (report, _) = rt.block_on(unicat_harvest::harvest_and_publish(
        network.clone(),
        store.clone(),
        index.clone(),
        Default::default(),
        Arc::new(unicat_harvest::LogObserver),
    ))?;
    anyhow::ensure!(
        !report.any_failed(),
        "{}: a library failed",
        config.display()
    );
    index.reload()?;
    Ok(Catalog::with(network, store, index))
}

fn known_item(
    configs: &[PathBuf],
    truths: &[PathBuf],
    sample: usize,
    seed: u64,
    show: usize,
) -> anyhow::Result<()> {
    use unicat_benches::known_item::{self as ki, Kind, Score};
    anyhow::ensure!(
        configs.len() == truths.len(),
        "give one --truth for each --config"
    );
    // (kind, unique title?) → score, over every network.
    let mut total: BTreeMap<(Kind, bool), Score> = BTreeMap::new();
    let mut manifestations = 0usize;
    for (config, truth) in configs.iter().zip(truths) {
        let dir = std::env::temp_dir().join(format!(
            "unicat-known-item-{}-{}",
            std::process::id(),
            manifestations
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        let catalog = harvest_into(config, &dir)?;
        eprintln!("{}: harvested in {:.1?}", config.display(), t.elapsed());
        let want = read_truth(truth)?;
        // Manifestation → its records, in truth order.
        let mut records: BTreeMap<&str, Vec<&(String, String)>> = BTreeMap::new();
        let mut order: Vec<&(String, String)> = want.keys().collect();
        order.sort();
        for k in &order {
            records.entry(want[*k].as_str()).or_default().push(k);
        }
        let snapshot = catalog.store()?.snapshot()?;
        // Folded title proper → the manifestations with a record so titled.
        let mut by_title: HashMap<String, HashSet<&str>> = HashMap::new();
        let mut described: HashMap<&(String, String), unicat_store::StoredRecord> = HashMap::new();
        for k in &order {
            if let Some(r) = snapshot.record(&k.0, &k.1)? {
                by_title
                    .entry(unicat_index::title_key(&r.bib.title))
                    .or_default()
                    .insert(want[*k].as_str());
                described.insert(k, r);
            }
        }
        let mut rng = unicat_benches::Rng::new(seed);
        let mut chosen: Vec<&str> = records.keys().copied().collect();
        if sample > 0 && sample < chosen.len() {
            let picks = rng.sample(chosen.len(), sample);
            chosen = picks.into_iter().map(|i| chosen[i]).collect();
        }
        manifestations += chosen.len();
        let mut shown: HashMap<Kind, usize> = HashMap::new();
        for m in chosen {
            // The record a patron copies from: one with ISBD punctuation
            // and a statement of responsibility when there is one.
            let recs: Vec<(&(String, String), &unicat_store::StoredRecord)> = records[m]
                .iter()
                .filter_map(|k| described.get(*k).map(|r| (*k, r)))
                .collect();
            let isbd = |r: &unicat_store::StoredRecord| {
                Reader::new(&r.marc[..], Format::Iso2709)
                    .next()
                    .and_then(Result::ok)
                    .and_then(|m| {
                        m.data_field("245").map(|f| {
                            f.subfields
                                .iter()
                                .any(|s| s.code == 'a' && s.value.trim_end().ends_with('/'))
                                || f.subfields
                                    .iter()
                                    .any(|s| s.code != 'c' && s.value.trim_end().ends_with(" /"))
                        })
                    })
                    .unwrap_or(false)
            };
            let Some(&(_, rec)) = recs
                .iter()
                .find(|(_, r)| r.bib.responsibility.is_some() && isbd(r))
                .or_else(|| recs.iter().find(|(_, r)| r.bib.responsibility.is_some()))
                .or(recs.first())
            else {
                continue;
            };
            let bib = &rec.bib;
            let unique = by_title
                .get(&unicat_index::title_key(&bib.title))
                .is_none_or(|s| s.len() <= 1);
            let marc = Reader::new(&rec.marc[..], Format::Iso2709)
                .next()
                .transpose()?;
            let f245 = marc.as_ref().and_then(|r| r.data_field("245"));
            let mut queries: Vec<(Kind, String)> = Vec::with_capacity(4);
            if let Some(f) = f245 {
                queries.push((Kind::Pasted, ki::pasted(f)));
            }
            if let Some(a) = bib.authors.first() {
                queries.push((
                    Kind::TitleAuthor,
                    format!("{} {}", bib.title, ki::surname(a)),
                ));
            }
            if let Some(s) = ki::slip(&bib.title, &mut rng) {
                queries.push((Kind::Slip, s));
            }
            queries.push((
                Kind::FirstWords,
                ki::first_words(&bib.title, bib.subtitle.as_deref()),
            ));
            for (kind, q) in queries {
                let r = catalog.search(&SearchRequest {
                    q: q.clone(),
                    per_page: 10,
                    ..SearchRequest::default()
                })?;
                let rank = r
                    .results
                    .iter()
                    .position(|d| {
                        d.holdings.iter().any(|h| {
                            want.get(&(h.library.clone(), h.record_id.clone()))
                                .is_some_and(|x| x == m)
                        })
                    })
                    .map(|i| i + 1);
                let unique = unique || !matches!(kind, Kind::Pasted | Kind::TitleAuthor);
                total.entry((kind, unique)).or_default().add(rank);
                let n = shown.entry(kind).or_default();
                if rank != Some(1) && *n < show && unique {
                    *n += 1;
                    println!(
                        "miss {kind:?} rank {rank:?}: {q:?} (wanted {:?}; first {:?})",
                        bib.title,
                        r.results.first().map(|d| d.title.as_str())
                    );
                }
            }
        }
        drop(snapshot);
        drop(catalog);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "\n{manifestations} manifestations from {} network(s)\n",
        configs.len()
    );
    println!("| query | titles | n | rank 1 | top 10 |");
    println!("|---|---|---:|---:|---:|");
    for kind in Kind::ALL {
        let split = matches!(kind, Kind::Pasted | Kind::TitleAuthor);
        let rows: Vec<(&str, Score)> = if split {
            let u = total.get(&(kind, true)).copied().unwrap_or_default();
            let o = total.get(&(kind, false)).copied().unwrap_or_default();
            let mut all = u;
            all.merge(&o);
            vec![("unique", u), ("shared with another", o), ("all", all)]
        } else {
            vec![("all", total.get(&(kind, true)).copied().unwrap_or_default())]
        };
        for (titles, s) in rows {
            println!(
                "| {} | {titles} | {} | {:.1} % | {:.1} % |",
                kind.label(),
                s.n,
                s.first_pct(),
                s.top10_pct()
            );
        }
    }
    Ok(())
}

fn quality(config: &Path, truth: &Path) -> anyhow::Result<()> {
    let network = unicat_config::Network::load(config)?;
    let store = unicat_store::Store::open(&network.index_dir)?;
    let mut got: HashMap<(String, String), u64> = HashMap::new();
    store.for_each_cluster(|id, e| {
        for m in e.members {
            got.insert((m.library, m.record_id), id);
        }
        Ok(())
    })?;
    let mut want: HashMap<(String, String), String> = HashMap::new();
    // Records by the variant and the classes netgen's truth gives them.
    let mut labels: BTreeMap<String, HashSet<(String, String)>> = BTreeMap::new();
    for line in std::fs::read_to_string(truth)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let key = (
            v["library"].as_str().unwrap_or("").to_string(),
            v["record_id"].as_str().unwrap_or("").to_string(),
        );
        if let Some(variant) = v["variant"].as_str() {
            labels
                .entry(format!("variant {variant}"))
                .or_default()
                .insert(key.clone());
        }
        for class in v["classes"].as_array().into_iter().flatten() {
            if let Some(name) = class.as_str() {
                labels
                    .entry(format!("class {name}"))
                    .or_default()
                    .insert(key.clone());
            }
        }
        want.insert(key, v["manifestation"].as_str().unwrap_or("").to_string());
    }
    let q = unicat_match::quality::pairwise(&got, &want);
    let missing = want.keys().filter(|k| !got.contains_key(*k)).count();
    println!(
        "records {} (truth {}, not in a cluster {missing}); pairs: {} true positives, {} predicted, {} actual; precision {:.4}; recall {:.4}",
        got.len(),
        want.len(),
        q.true_positives,
        q.predicted,
        q.actual,
        q.precision(),
        q.recall()
    );
    if !labels.is_empty() {
        println!(
            "\npairs involving a record of each variant and class:\n{:<34} {:>7} {:>10} {:>9} {:>10} {:>10} {:>9}",
            "", "records", "true pairs", "merged", "recall", "merged", "precision"
        );
        for (label, records) in &labels {
            let q = pairwise_touching(&got, &want, |k| records.contains(k));
            println!(
                "{label:<34} {:>7} {:>10} {:>9} {:>10.4} {:>10} {:>9.4}",
                records.len(),
                q.actual,
                q.true_positives,
                q.recall(),
                q.predicted,
                q.precision()
            );
        }
    }
    std::io::stdout().flush()?;
    Ok(())
}

fn cluster(config: &Path, truth: Option<&Path>) -> anyhow::Result<()> {
    let network = unicat_config::Network::load(config)?;
    let store = unicat_store::Store::open(&network.index_dir)?;
    let t = Instant::now();
    let mut views = Vec::new();
    let mut refs: Vec<(String, String)> = Vec::new();
    for library in store.libraries()? {
        store.for_each_encoded(&library, |id, bytes| {
            refs.push((library.clone(), id.to_string()));
            views.push(
                unicat_store::StoredRecord::decode_view(unicat_store::StoredRecord::view_prefix(
                    bytes,
                ))
                .map_err(unicat_store::StoreError::Db)?,
            );
            Ok(())
        })?;
    }
    println!("{} views loaded in {:.2?}", views.len(), t.elapsed());
    let t = Instant::now();
    let index = unicat_match::KeyIndex::build(&views);
    println!("key index built in {:.2?}", t.elapsed());
    let t = Instant::now();
    let mut c = unicat_match::Clustering::new(&views, &index);
    let order: Vec<u32> = (0..views.len() as u32).collect();
    c.assign(&order);
    let clusters = c.finish();
    println!("{} clusters placed in {:.2?}", clusters.len(), t.elapsed());
    if let Some(truth) = truth {
        let want = read_truth(truth)?;
        let mut got: HashMap<(String, String), usize> = HashMap::new();
        for (c, cl) in clusters.iter().enumerate() {
            for &m in &cl.members {
                got.insert(refs[m as usize].clone(), c);
            }
        }
        let q = unicat_match::quality::pairwise(&got, &want);
        println!(
            "manifestations: precision {:.4}, recall {:.4} ({} true positives, {} predicted, {} actual)",
            q.precision(),
            q.recall(),
            q.true_positives,
            q.predicted,
            q.actual
        );
        // Works, grouped from these clusters.
        let t = Instant::now();
        let members: Vec<Vec<&unicat_match::Manifestation>> = clusters
            .iter()
            .map(|c| c.members.iter().map(|&m| &views[m as usize]).collect())
            .collect();
        let works = unicat_match::works::group_works(&members);
        println!(
            "{} works ({} related pairs) grouped in {:.2?}",
            works.works.len(),
            works.related.len(),
            t.elapsed()
        );
        let want_work = read_truth_field(truth, "work")?;
        if want_work.values().all(|w| !w.is_empty()) {
            let mut got: HashMap<(String, String), usize> = HashMap::new();
            for (w, work) in works.works.iter().enumerate() {
                for &c in &work.clusters {
                    for &m in &clusters[c as usize].members {
                        got.insert(refs[m as usize].clone(), w);
                    }
                }
            }
            // `BENCH_SHOW_WORKS=N`: the first N works that hold records of
            // more than one true work, with their evidence.
            let show: usize = std::env::var("BENCH_SHOW_WORKS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut shown = 0;
            for work in &works.works {
                if shown >= show {
                    break;
                }
                let mut truths: Vec<&str> = work
                    .clusters
                    .iter()
                    .flat_map(|&c| &clusters[c as usize].members)
                    .map(|&m| want_work[&refs[m as usize]].as_str())
                    .collect();
                truths.sort_unstable();
                truths.dedup();
                if truths.len() < 2 {
                    continue;
                }
                shown += 1;
                println!("-- one work, true works {truths:?}");
                for &c in &work.clusters {
                    let m = &views[clusters[c as usize].members[0] as usize];
                    let t = &want_work[&refs[clusters[c as usize].members[0] as usize]];
                    println!(
                        "   [{c}] {t} {:?} {:?} / {:?} | names {:?} {:?} | uniform {:?} | {:?} {:?}",
                        m.title,
                        m.subtitle,
                        m.part,
                        m.names,
                        m.statement,
                        m.work_title,
                        m.format,
                        m.year
                    );
                }
                for l in &work.links {
                    println!("   link {} ~ {}: {:?} by {:?}", l.a, l.b, l.title, l.name);
                }
            }
            // And the first N true works split over several works.
            let mut split: HashMap<&str, Vec<usize>> = HashMap::new();
            for (r, w) in &got {
                split.entry(want_work[r].as_str()).or_default().push(*w);
            }
            let mut split: Vec<(&str, Vec<usize>)> = split
                .into_iter()
                .map(|(t, mut ws)| {
                    ws.sort_unstable();
                    ws.dedup();
                    (t, ws)
                })
                .filter(|(_, ws)| ws.len() > 1)
                .collect();
            split.sort_unstable();
            for (t, ws) in split.iter().take(show) {
                println!("-- true work {t} split over {} works", ws.len());
                for &w in ws {
                    for &c in &works.works[w].clusters {
                        let r = clusters[c as usize].members[0] as usize;
                        if want_work[&refs[r]] != *t {
                            continue;
                        }
                        let m = &views[r];
                        println!(
                            "   work {w} [{c}] {:?} {:?} / {:?} | names {:?} {:?} | uniform {:?} | {:?} {:?}",
                            m.title,
                            m.subtitle,
                            m.part,
                            m.names,
                            m.statement,
                            m.work_title,
                            m.format,
                            m.year
                        );
                    }
                }
            }
            let q = unicat_match::quality::pairwise(&got, &want_work);
            println!(
                "works: precision {:.4}, recall {:.4} ({} true positives, {} predicted, {} actual)",
                q.precision(),
                q.recall(),
                q.true_positives,
                q.predicted,
                q.actual
            );
        } else {
            println!("works: the truth has no work ids");
        }
    }
    Ok(())
}

/// Reads truth.jsonl: (library, record id) → manifestation.
fn read_truth(truth: &Path) -> anyhow::Result<HashMap<(String, String), String>> {
    read_truth_field(truth, "manifestation")
}

/// Reads one field of truth.jsonl by record: `manifestation` or `work`
/// (empty when a line lacks it).
fn read_truth_field(
    truth: &Path,
    field: &str,
) -> anyhow::Result<HashMap<(String, String), String>> {
    let mut want = HashMap::new();
    for line in std::fs::read_to_string(truth)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        want.insert(
            (
                v["library"].as_str().unwrap_or("").to_string(),
                v["record_id"].as_str().unwrap_or("").to_string(),
            ),
            v[field].as_str().unwrap_or("").to_string(),
        );
    }
    Ok(want)
}

fn explain(config: &Path, truth: &Path, show: usize) -> anyhow::Result<()> {
    use unicat_match::{Manifestation, compare};
    let network = unicat_config::Network::load(config)?;
    let store = unicat_store::Store::open(&network.index_dir)?;
    let want = read_truth(truth)?;
    let mut refs: Vec<(String, String)> = Vec::new();
    let mut bibs: Vec<unicat_bib::BibRecord> = Vec::new();
    for library in store.libraries()? {
        store.for_each_encoded(&library, |id, bytes| {
            let r =
                unicat_store::StoredRecord::decode(bytes).map_err(unicat_store::StoreError::Db)?;
            refs.push((library.clone(), id.to_string()));
            bibs.push(r.bib);
            Ok(())
        })?;
    }
    let views: Vec<Manifestation> = bibs.par_iter().map(Manifestation::from_bib).collect();
    let clusters = unicat_match::cluster_all(&views);
    let mut cluster_of = vec![0usize; views.len()];
    for (c, cl) in clusters.iter().enumerate() {
        for &m in &cl.members {
            cluster_of[m as usize] = c;
        }
    }
    let got: HashMap<(String, String), usize> = refs
        .iter()
        .cloned()
        .zip(cluster_of.iter().copied())
        .collect();
    let q = unicat_match::quality::pairwise(&got, &want);
    let missing = want.keys().filter(|k| !got.contains_key(*k)).count();
    let all_actual: u64 = {
        let mut n: HashMap<&String, u64> = HashMap::new();
        for m in want.values() {
            *n.entry(m).or_default() += 1;
        }
        n.values().map(|&k| k * k.saturating_sub(1) / 2).sum()
    };
    println!(
        "records {} (truth {}, missing {missing}); {} clusters; TP {} predicted {} actual {} (all truth pairs {all_actual}); precision {:.4}; recall {:.4} (of all truth pairs {:.4})",
        refs.len(),
        want.len(),
        clusters.len(),
        q.true_positives,
        q.predicted,
        q.actual,
        q.precision(),
        q.recall(),
        q.true_positives as f64 / all_actual.max(1) as f64
    );
    let label: Vec<Option<&String>> = refs.iter().map(|r| want.get(r)).collect();
    {
        let bare = |m: &Manifestation| {
            m.author.is_none()
                && m.year.is_none()
                && m.publisher.is_empty()
                && m.isbns.is_empty()
                && m.oclc.is_empty()
                && m.lccn.is_none()
                && m.issns.is_empty()
        };
        let mut n: HashMap<&String, u64> = HashMap::new();
        for (i, l) in label.iter().enumerate() {
            if let Some(l) = l
                && bare(&views[i])
            {
                *n.entry(l).or_default() += 1;
            }
        }
        let pairs: u64 = n.values().map(|&k| k * k.saturating_sub(1) / 2).sum();
        println!("truth pairs of two bare records (title and nothing else): {pairs}");
    }
    let describe = |i: usize| {
        let b = &bibs[i];
        let v = &views[i];
        format!(
            "{}/{} [{}] {:?} : {:?} / {:?} | auth {:?} | {} | year {:?} | ed {:?} | part {:?} ser {:?} | pages {:?} | lang {:?} | isbn {:?} | oclc {:?} | lccn {:?}",
            refs[i].0,
            refs[i].1,
            v.format.code(),
            b.title,
            b.subtitle.as_deref().unwrap_or(""),
            b.responsibility.as_deref().unwrap_or(""),
            v.author,
            b.publishers.join(" ; "),
            v.year,
            b.edition,
            v.part,
            v.series_number,
            v.pages,
            v.language,
            v.isbns
                .iter()
                .map(|(i, _)| i.to_string())
                .collect::<Vec<_>>(),
            v.oclc.iter().map(|o| o.value()).collect::<Vec<_>>(),
            v.lccn.as_ref().map(|l| l.as_str().to_string()),
        )
    };
    let why = |a: usize, b: usize| {
        let e = compare(&views[a], &views[b]);
        if e.keys.is_empty() {
            "no shared key".to_string()
        } else {
            let v: Vec<String> = e
                .vetoes()
                .map(|c| format!("{} ({})", c.guard, c.detail))
                .collect();
            if v.is_empty() {
                let blockers: Vec<String> = clusters[cluster_of[a]]
                    .members
                    .iter()
                    .filter(|&&o| !unicat_match::compatible(&views[b], &views[o as usize]))
                    .map(|&o| {
                        let e = compare(&views[b], &views[o as usize]);
                        let against: Vec<String> = e
                            .checks
                            .iter()
                            .filter(|c| c.weight < 0.0 || c.verdict == unicat_match::Verdict::Veto)
                            .map(|c| {
                                format!("{} {:?} {} ({})", c.guard, c.verdict, c.weight, c.detail)
                            })
                            .collect();
                        format!(
                            "{}/{} score {}: {}",
                            refs[o as usize].0,
                            refs[o as usize].1,
                            e.score,
                            against.join("; ")
                        )
                    })
                    .collect();
                format!(
                    "would match alone (score {}) on {:?}; kept apart by complete linkage: {}",
                    e.score,
                    e.keys,
                    blockers.join(" | ")
                )
            } else {
                v.join("; ")
            }
        }
    };
    // Missed: for each truth manifestation split over clusters, one pair per
    // extra cluster.
    let mut by_label: HashMap<&String, Vec<usize>> = HashMap::new();
    for (i, l) in label.iter().enumerate() {
        if let Some(l) = l {
            by_label.entry(l).or_default().push(i);
        }
    }
    let mut labels: Vec<_> = by_label.into_iter().collect();
    labels.sort();
    let mut reasons: HashMap<String, u64> = HashMap::new();
    let mut shown = 0;
    println!("\n## missed");
    for (l, members) in &labels {
        let first = members[0];
        let mut seen = vec![cluster_of[first]];
        for &m in &members[1..] {
            if seen.contains(&cluster_of[m]) {
                continue;
            }
            seen.push(cluster_of[m]);
            let w = why(first, m);
            let class = w.split(' ').next().unwrap_or("").to_string();
            *reasons.entry(class).or_default() += 1;
            if shown < show {
                shown += 1;
                println!("- {l}: {w}\n    {}\n    {}", describe(first), describe(m));
            }
        }
    }
    let mut r: Vec<_> = reasons.into_iter().collect();
    r.sort_by_key(|x| std::cmp::Reverse(x.1));
    println!("missed by first reason: {r:?}");
    println!("\n## false merges");
    let mut shown = 0;
    for cl in &clusters {
        let ms = &cl.members;
        for (x, &a) in ms.iter().enumerate() {
            for &b in &ms[x + 1..] {
                if let (Some(la), Some(lb)) = (label[a as usize], label[b as usize])
                    && la != lb
                    && shown < show
                {
                    shown += 1;
                    let e = compare(&views[a as usize], &views[b as usize]);
                    println!(
                        "- {la} / {lb}: keys {:?}\n    {}\n    {}",
                        e.keys,
                        describe(a as usize),
                        describe(b as usize)
                    );
                }
            }
        }
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Marc { corpus, xml } => marc(&corpus, &xml),
        Command::Split {
            corpus,
            out,
            libraries,
        } => split(&corpus, &out, libraries),
        Command::Mfhd {
            corpus,
            out,
            records,
            runs,
        } => mfhd(&corpus, &out, records, runs),
        Command::Queries { config, n } => queries(&config, n),
        Command::Repeat { corpus, out, times } => repeat(&corpus, &out, times),
        Command::Nightly {
            from,
            out,
            records,
            every,
        } => nightly(&from, &out, records, every),
        Command::Check {
            config,
            lines,
            clusters,
        } => check(&config, lines, clusters.as_deref()),
        Command::KnownItem {
            config,
            truth,
            sample,
            seed,
            show,
        } => known_item(&config, &truth, sample, seed, show),
        Command::Quality { config, truth } => quality(&config, &truth),
        Command::Cluster { config, truth } => cluster(&config, truth.as_deref()),
        Command::Explain {
            config,
            truth,
            show,
        } => explain(&config, &truth, show),
    }
}

/// VmRSS and VmHWM of this process, in MiB (0 where /proc is missing).
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// One line's answer as `bench check` keeps it for the recount: status,
/// identifier, kind, clusters, libraries.
type Answer = (
    unicat_catalog::check::LineStatus,
    Option<String>,
    Option<&'static str>,
    Vec<String>,
    Vec<String>,
);

/// An ISBN-13 with a valid check digit from twelve digits.
fn isbn13(twelve: u64) -> String {
    let d = format!("{twelve:012}");
    let sum: u32 = d
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{d}{}", (10 - sum % 10) % 10)
}

/// `bench check`: a list of `lines` identifiers (held ISBNs in several
/// forms, held OCLC numbers and LCCNs, valid ISBNs nobody holds, lines that
/// are no identifier) checked against a harvested network, streamed from a
/// file to a CSV sink; the rate, RSS along the way, and every answer
/// checked against a recount (ISBNs and OCLC numbers from every stored
/// cluster document; the libraries of each cluster from `unicat clusters`
/// output when `--clusters` is given, else from the documents).
fn check(config: &Path, lines: usize, clusters: Option<&Path>) -> anyhow::Result<()> {
    use unicat_catalog::check::{CheckFormat, CheckLine, CheckOptions, CheckWriter, LineStatus};
    let network = Arc::new(unicat_config::Network::load(config)?);
    let catalog = Catalog::open(network)?;
    // A sample of held identifiers (reservoir, so that the list reaches
    // the whole index).
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (mut isbns, mut oclcs, mut lccns) = (Vec::new(), Vec::new(), Vec::new());
    let mut seen = 0usize;
    const KEEP: usize = 50_000;
    catalog.index()?.for_each(|d| {
        seen += 1;
        let slot = if seen <= KEEP {
            Some(seen - 1)
        } else {
            Some(rng.below(seen)).filter(|&j| j < KEEP)
        };
        if let Some(j) = slot {
            for (v, from) in [
                (&mut isbns, &d.isbns),
                (&mut oclcs, &d.oclc),
                (&mut lccns, &d.lccn),
            ] {
                if let Some(x) = from.first() {
                    if v.len() < KEEP {
                        v.push(x.clone());
                    } else if j < v.len() {
                        v[j] = x.clone();
                    }
                }
            }
        }
    })?;
    anyhow::ensure!(!isbns.is_empty(), "no ISBNs in the index: harvest first");
    let list = std::env::temp_dir().join(format!("unicat-bench-check-{}.txt", std::process::id()));
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&list)?);
        for i in 0..lines {
            let line = match i % 20 {
                0..=7 => isbns[rng.below(isbns.len())].clone(),
                8..=9 => {
                    // As ISBN-10 with hyphens where it has one.
                    let i13 = &isbns[rng.below(isbns.len())];
                    match i13.strip_prefix("978") {
                        Some(rest) => {
                            let body = &rest[..9];
                            let sum: u32 = body
                                .bytes()
                                .enumerate()
                                .map(|(k, b)| u32::from(b - b'0') * (10 - k as u32))
                                .sum();
                            let c = (11 - sum % 11) % 11;
                            let c = if c == 10 {
                                "X".to_string()
                            } else {
                                c.to_string()
                            };
                            format!("{}-{}-{c}", &body[..1], &body[1..])
                        }
                        None => i13.clone(),
                    }
                }
                10..=11 if !oclcs.is_empty() => {
                    format!("(OCoLC)ocm{:0>8}", oclcs[rng.below(oclcs.len())])
                }
                12 if !lccns.is_empty() => format!("lccn:{}", lccns[rng.below(lccns.len())]),
                13..=16 => isbn13(979_120_000_000 + rng.next() % 1_000_000),
                17 => format!(
                    "isbn {}",
                    isbn13(978_000_000_000 + rng.next() % 999_999_999)
                ),
                18 => "n/a".to_string(),
                _ => format!(
                    "978-0-00-{:06}-9 (wrong check digit?)",
                    rng.next() % 1_000_000
                ),
            };
            writeln!(w, "{line}")?;
        }
    }
    // The check, streamed from the file into a CSV sink.
    let (rss0, _) = rss_mib();
    let mut samples = Vec::new();
    let mut answers: Vec<Answer> = Vec::new();
    let keep_answers = std::env::var_os("BENCH_CHECK_NO_VERIFY").is_none();
    let mut out = CheckWriter::new(CheckFormat::Csv, std::io::sink())?;
    let started = Instant::now();
    let mut n = 0usize;
    let mut record = |l: &CheckLine| {
        n += 1;
        if n % (lines / 5).max(1) == 0 {
            samples.push((n, rss_mib().0));
        }
        if keep_answers {
            answers.push((
                l.status,
                l.identifier.clone(),
                l.kind,
                l.clusters.clone(),
                l.libraries.clone(),
            ));
        }
    };
    let summary = catalog
        .check_list(
            std::io::BufReader::with_capacity(64 * 1024, std::fs::File::open(&list)?),
            &CheckOptions::default(),
            |l, _| {
                record(l);
                out.line(l)
            },
        )
        .map_err(|e| match e {
            unicat_catalog::check::CheckStop::Catalog(e) => anyhow::Error::from(e),
            unicat_catalog::check::CheckStop::Caller(e) => e.into(),
        })?;
    out.finish(&summary)?;
    let elapsed = started.elapsed();
    let _ = std::fs::remove_file(&list);
    let (_, hwm) = rss_mib();
    println!(
        "{} lines in {:.2} s = {:.0} lines/s: {} held ({} last copies), {} not held, {} invalid",
        summary.lines,
        elapsed.as_secs_f64(),
        summary.lines as f64 / elapsed.as_secs_f64(),
        summary.held,
        summary.last_copies,
        summary.not_held,
        summary.invalid
    );
    println!(
        "RSS before {rss0:.0} MiB; at lines {}; peak {hwm:.0} MiB{}",
        samples
            .iter()
            .map(|(n, r)| format!("{n}: {r:.0} MiB"))
            .collect::<Vec<_>>()
            .join(", "),
        if keep_answers {
            " (the answers are kept for the recount: set BENCH_CHECK_NO_VERIFY=1 for the check's own RSS)"
        } else {
            ""
        }
    );
    if !keep_answers {
        return Ok(());
    }
    // The recount.
    let mut by_isbn: HashMap<String, HashSet<String>> = HashMap::new();
    let mut by_oclc: HashMap<String, HashSet<String>> = HashMap::new();
    let mut by_lccn: HashMap<String, HashSet<String>> = HashMap::new();
    let mut holders: HashMap<String, HashSet<String>> = HashMap::new();
    catalog.index()?.for_each(|d| {
        for (map, ids) in [
            (&mut by_isbn, &d.isbns),
            (&mut by_oclc, &d.oclc),
            (&mut by_lccn, &d.lccn),
        ] {
            for i in ids {
                map.entry(i.clone()).or_default().insert(d.id.clone());
            }
        }
        if clusters.is_none() {
            holders.insert(d.id.clone(), d.libraries().map(str::to_string).collect());
        }
    })?;
    if let Some(path) = clusters {
        use std::io::BufRead;
        for line in BufReader::new(std::fs::File::open(path)?).lines() {
            let v: serde_json::Value = serde_json::from_str(&line?)?;
            let id = v["id"]
                .as_str()
                .context("a cluster line without id")?
                .to_string();
            let libs = v["members"]
                .as_array()
                .context("a cluster line without members")?
                .iter()
                .filter_map(|m| m["library"].as_str().map(str::to_string))
                .collect();
            holders.insert(id, libs);
        }
    }
    let (mut held, mut not_held, mut invalid, mut last) = (0u64, 0u64, 0u64, 0u64);
    for (status, identifier, kind, found, libraries) in &answers {
        match status {
            LineStatus::Invalid => invalid += 1,
            _ => {
                let id = identifier
                    .as_deref()
                    .context("a valid line without identifier")?;
                let map = match *kind {
                    Some("isbn") => &by_isbn,
                    Some("oclc") => &by_oclc,
                    Some("lccn") => &by_lccn,
                    other => bail!("unexpected kind {other:?}"),
                };
                let want: HashSet<&String> =
                    map.get(id).map(|s| s.iter().collect()).unwrap_or_default();
                let got: HashSet<&String> = found.iter().collect();
                anyhow::ensure!(want == got, "{id}: clusters {got:?}, recount {want:?}");
                let libs: HashSet<&String> = want
                    .iter()
                    .flat_map(|c| holders.get(*c).into_iter().flatten())
                    .collect();
                let got_libs: HashSet<&String> = libraries.iter().collect();
                anyhow::ensure!(
                    libs == got_libs,
                    "{id}: libraries {got_libs:?}, recount {libs:?}"
                );
                if want.is_empty() {
                    not_held += 1;
                } else {
                    held += 1;
                    if libs.len() == 1 {
                        last += 1;
                    }
                }
            }
        }
    }
    anyhow::ensure!(
        (held, not_held, invalid, last)
            == (
                summary.held,
                summary.not_held,
                summary.invalid,
                summary.last_copies
            ),
        "recount: {held} held, {not_held} not held, {invalid} invalid, {last} last copies; the check said {summary:?}"
    );
    println!(
        "recount ({}): every line agrees: {held} held, {last} last copies, {not_held} not held, {invalid} invalid",
        if clusters.is_some() {
            "holders from unicat clusters"
        } else {
            "holders from the documents"
        }
    );
    Ok(())
}
