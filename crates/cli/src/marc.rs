//! `unicat marc …`: MARC conversion, like yaz-marcdump.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use unicat_marc::{Format, Reader, Record, iso2709, json, xml};

#[derive(Subcommand)]
pub enum MarcCommand {
    /// Converts MARC records between ISO 2709, MARCXML and MARC-in-JSON,
    /// writing to standard output. Bad records are reported on standard
    /// error with their position and skipped; records read after a repair
    /// (a bad indicator, subfield code or byte) are converted, and each
    /// repair is reported on standard error as a warning.
    Convert(ConvertArgs),
}

#[derive(Args)]
pub struct ConvertArgs {
    /// Input format (iso2709, marcxml, marc-json); detected from the content
    /// of each file when omitted.
    #[arg(long, value_parser = parse_format)]
    from: Option<Format>,
    /// Output format: marcxml, marc-json or iso2709.
    #[arg(long, value_parser = parse_format)]
    to: Format,
    /// With --to marc-json: one record per line instead of a JSON array.
    #[arg(long)]
    json_lines: bool,
    /// Input files (`-` for standard input); `.gz` files are decompressed.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown format {s:?} (iso2709, marcxml, marc-json)"))
}

pub fn run(cmd: MarcCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        MarcCommand::Convert(args) => convert(args),
    }
}

enum Output<W: Write> {
    Iso(iso2709::Writer<W>),
    Xml(xml::Writer<W>),
    Json(json::Writer<W>),
}

impl<W: Write> Output<W> {
    fn write(&mut self, r: &Record) -> Result<(), unicat_marc::WriteError> {
        match self {
            Output::Iso(w) => w.write(r),
            Output::Xml(w) => w.write(r),
            Output::Json(w) => w.write(r),
        }
    }
    fn finish(self) -> Result<(), unicat_marc::WriteError> {
        match self {
            Output::Iso(w) => w.finish().map(drop),
            Output::Xml(w) => w.finish().map(drop),
            Output::Json(w) => w.finish().map(drop),
        }
    }
}

fn open(path: &PathBuf) -> anyhow::Result<Box<dyn BufRead>> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        )
    };
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let gz = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    })
}

fn convert(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout().lock();
    let out = BufWriter::with_capacity(1 << 16, stdout);
    let mut output = match args.to {
        Format::Iso2709 => Output::Iso(iso2709::Writer::new(out)),
        Format::MarcXml => Output::Xml(xml::Writer::new(out)),
        Format::MarcJson => Output::Json(json::Writer::new(
            out,
            if args.json_lines {
                json::Container::Lines
            } else {
                json::Container::Array
            },
        )),
    };
    let (mut written, mut bad, mut warned) = (0u64, 0u64, 0u64);
    for path in &args.files {
        let mut input = open(path)?;
        let format = match args.from {
            Some(f) => f,
            None => match Format::detect(input.fill_buf()?) {
                Some(f) => f,
                None => {
                    eprintln!(
                        "{}: not MARC (neither ISO 2709, MARCXML nor MARC-in-JSON); skipped",
                        path.display()
                    );
                    bad += 1;
                    continue;
                }
            },
        };
        let mut reader = Reader::new(input, format);
        while let Some(record) = reader.next_with_warnings() {
            match record {
                Ok(unicat_marc::Decoded {
                    record: r,
                    warnings,
                }) => {
                    for w in &warnings {
                        eprintln!("{}: warning: {w}", path.display());
                    }
                    warned += u64::from(!warnings.is_empty());
                    if args.to == Format::MarcXml && r.has_xml_illegal_chars() {
                        eprintln!(
                            "{}: record {}: control characters XML cannot carry were written as U+FFFD",
                            path.display(),
                            r.control_number().unwrap_or("(no 001)")
                        );
                    }
                    match output.write(&r) {
                        Ok(()) => written += 1,
                        Err(unicat_marc::WriteError::Io(e))
                            if e.kind() == std::io::ErrorKind::BrokenPipe =>
                        {
                            return Ok(ExitCode::SUCCESS);
                        }
                        Err(e @ unicat_marc::WriteError::Io(_)) => bail!(e),
                        Err(e) => {
                            bad += 1;
                            eprintln!(
                                "{}: record {}: {e}",
                                path.display(),
                                r.control_number().unwrap_or("(no 001)")
                            );
                        }
                    }
                }
                Err(e) => {
                    bad += 1;
                    eprintln!("{}: {e}", path.display());
                }
            }
        }
    }
    match output.finish() {
        Ok(()) => {}
        Err(unicat_marc::WriteError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => bail!(e),
    }
    if bad > 0 || warned > 0 {
        eprintln!("{written} records converted ({warned} read with warnings), {bad} skipped");
    }
    Ok(ExitCode::SUCCESS)
}
