//! [`BibRecord`]: the normalised description extracted from one MARC record.

use crate::date::{copyright_year_from_008, year_from_008, year_in, years_in};
use crate::fold::{fold, strip_leading_article, strip_nonfiling, trim_isbd};
use crate::format::{MaterialFormat, detect, is_online};
use crate::identifiers::{Isbn13, Issn, Lccn, OclcNumber};
use serde::{Deserialize, Serialize};
use unicat_marc::{DataField, Record};

/// An ISBN as found on a record, with the qualifier printed beside it
/// (`pbk.`, `v. 1`, `set`).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct IsbnEntry {
    /// The ISBN.
    pub isbn: Isbn13,
    /// The qualifier, if any.
    pub qualifier: Option<String>,
}

/// The physical extent from 300 $a.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Extent {
    /// Pages or leaves (the largest count given).
    pub pages: Option<u32>,
    /// Volumes (`3 v.`).
    pub volumes: Option<u32>,
}

/// The normalised bibliographic description of one library's record.
///
/// Display fields keep the cataloguer's words with ISBD punctuation trimmed;
/// the `*_key` fields are folded for matching and sorting. Identifiers are
/// typed and valid; invalid ISBNs are kept apart and never used as keys.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct BibRecord {
    /// The 001 control number.
    pub control_number: Option<String>,
    /// Title proper (245 $a).
    pub title: String,
    /// Remainder of title (245 $b).
    pub subtitle: Option<String>,
    /// Part numbers (245 $n).
    pub part_numbers: Vec<String>,
    /// Part names (245 $p).
    pub part_names: Vec<String>,
    /// Statement of responsibility (245 $c).
    pub responsibility: Option<String>,
    /// Title for matching: 245 $a$b$n$p folded, non-filing characters and a
    /// leading article dropped.
    pub title_key: String,
    /// Title for sorting: $a$b folded, non-filing characters dropped.
    pub sort_title: String,
    /// Main entry and added entries for persons, bodies and meetings
    /// (100/110/111, 700/710/711), display form.
    pub authors: Vec<String>,
    /// The main author's surname (or first word of a corporate name), folded.
    pub author_key: Option<String>,
    /// Publisher (264 _1 $b or 260 $b), the first named.
    pub publisher: Option<String>,
    /// Every publisher the imprint names (several $b: co-publishers).
    pub publishers: Vec<String>,
    /// Place of publication.
    pub place: Option<String>,
    /// Year of publication (260/264 $c, else 008/07-10).
    pub year: Option<u16>,
    /// Edition statement (250 $a $b).
    pub edition: Option<String>,
    /// Physical description (300 $a), as written.
    pub pagination: Option<String>,
    /// Pages and volumes read from 300 $a.
    pub extent: Extent,
    /// Series statements (490 $a, the obsolete 440 $a, 8xx $a).
    pub series: Vec<String>,
    /// Series numbering (490/440 $v, 8xx $v).
    pub series_numbers: Vec<String>,
    /// Format and carrier.
    pub format: MaterialFormat,
    /// Language of the text (008/35-37, else 041 $a), a MARC language code.
    pub language: Option<String>,
    /// Every language code named (008 and 041 $a).
    pub languages: Vec<String>,
    /// Subject headings (6xx), subdivisions joined with ` -- `.
    pub subjects: Vec<String>,
    /// Notes worth searching: general (500), contents (505), summary (520).
    pub notes: Vec<String>,
    /// Other forms of the title: varying forms (246), uniform title (240,
    /// 130), and the title in its original script (880 linked to 245).
    pub alternate_titles: Vec<String>,
    /// Names and publishers in their original script (880 linked to
    /// 1xx/7xx/260/264), for searching.
    pub alternate_names: Vec<String>,
    /// LC classification (050 $a $b).
    pub lc_call_number: Option<String>,
    /// LC class letters (`QA`), from 050 $a.
    pub lc_class: Option<String>,
    /// Dewey number (082 $a).
    pub dewey: Option<String>,
    /// Valid ISBNs (020 $a), as ISBN-13.
    pub isbns: Vec<IsbnEntry>,
    /// ISBNs that failed validation or were cancelled (020 $z): shown, never
    /// used as keys.
    pub invalid_isbns: Vec<String>,
    /// ISSNs (022 $a).
    pub issns: Vec<Issn>,
    /// OCLC numbers (035 $a `(OCoLC)`, or 001 when 003 is OCoLC).
    pub oclc_numbers: Vec<OclcNumber>,
    /// LCCN (010 $a), normalised.
    pub lccn: Option<Lccn>,
    /// Delivered online (an e-book, a streamed recording or film, an online
    /// score or map), whatever the record type: 008 form of item `o`/`q`/`s`,
    /// a remote-access 007 (`cr`), 300 or 338 "online resource", 337
    /// "computer", an "[electronic resource]" GMD, or a link to the resource
    /// itself (856 second indicator 0, without $3).
    pub online: bool,
    /// 008 Date 1 (07-10), when it is a year.
    pub date1: Option<u16>,
    /// 008 Date 2 (11-14) when the date type (`t`) says it is the copyright
    /// date, and it is a year.
    pub date2: Option<u16>,
    /// Every year the imprint gives (260/264 $c, copyright dates included):
    /// `1979, c1978` gives both.
    pub imprint_years: Vec<u16>,
    /// OCLC numbers merged into this record's (019 $a): records that carry
    /// one of them describe the same manifestation.
    pub merged_oclc_numbers: Vec<OclcNumber>,
    /// The host item of a component part (773 $t and $g: the issue, the
    /// volume, the pages), as written.
    pub host_item: Option<String>,
    /// The uniform title that names the work (130, or 240 under the main
    /// entry): $a with its number, part, medium, key and form subheading
    /// (`Hobbit`, `Symphonies, no. 5, op. 67, C minor`, `Works. Selections`),
    /// without the language ($l) or version ($s) of this expression. A
    /// translation names its original here.
    #[serde(default)]
    pub uniform_title: Option<String>,
}

impl BibRecord {
    /// Extracts the description of a MARC record.
    pub fn from_marc(record: &Record) -> BibRecord {
        let mut bib = BibRecord {
            control_number: record.control_number().map(str::to_string),
            format: detect(record),
            online: is_online(record),
            ..BibRecord::default()
        };
        bib.read_title(record);
        bib.read_authors(record);
        bib.read_imprint(record);
        bib.read_description(record);
        bib.read_language(record);
        bib.read_subjects_and_notes(record);
        bib.read_classification(record);
        bib.read_identifiers(record);
        bib.read_alternates(record);
        bib
    }

    /// The title as displayed: title proper and remainder.
    pub fn display_title(&self) -> String {
        let mut t = self.title.clone();
        for part in self.part_numbers.iter().chain(&self.part_names) {
            t.push_str(". ");
            t.push_str(part);
        }
        t
    }

    /// The ISBNs alone.
    pub fn isbn_list(&self) -> impl Iterator<Item = Isbn13> + '_ {
        self.isbns.iter().map(|e| e.isbn)
    }

    /// The main author, display form.
    pub fn main_author(&self) -> Option<&str> {
        self.authors.first().map(String::as_str)
    }

    fn read_title(&mut self, record: &Record) {
        let Some(f) = record
            .data_field("245")
            .or_else(|| record.data_field("240"))
        else {
            return;
        };
        let nonfiling = f.indicators.second_digit().unwrap_or(0);
        let a: Vec<&str> = f.values('a').collect();
        let title = a.join(" ");
        self.title = trim_isbd(&title).to_string();
        self.subtitle = f
            .first('b')
            .map(trim_isbd)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        self.part_numbers = f
            .values('n')
            .map(trim_isbd)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        self.part_names = f
            .values('p')
            .map(trim_isbd)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        self.responsibility = f
            .first('c')
            .map(trim_isbd)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let filing = strip_nonfiling(&title, nonfiling);
        let mut sort = fold(filing);
        if let Some(b) = &self.subtitle {
            sort.push(' ');
            sort.push_str(&fold(b));
        }
        self.sort_title = sort.trim().to_string();
        let mut key = strip_leading_article(&fold(filing)).to_string();
        for v in f.values_of("bnp") {
            let folded = fold(v);
            if !folded.is_empty() {
                key.push(' ');
                key.push_str(&folded);
            }
        }
        self.title_key = key;
    }

    fn read_authors(&mut self, record: &Record) {
        let mut main_key = None;
        for f in record.data_fields_any(&["100", "110", "111", "700", "710", "711"]) {
            let name = match f.tag.as_str() {
                "100" | "700" => join_codes(f, "abcdq"),
                _ => join_codes(f, "abcdn"),
            };
            let name = trim_isbd(&name).to_string();
            if name.is_empty() || self.authors.contains(&name) {
                continue;
            }
            if main_key.is_none() {
                let a = f.first('a').unwrap_or("");
                let surname = if f.tag.as_str().ends_with("00") && f.indicators.first != '0' {
                    a.split(',').next().unwrap_or(a)
                } else if f.tag.as_str().ends_with("00") {
                    // Forename-order name ("Homer", "Teresa, Mother"): whole $a.
                    a.split(',').next().unwrap_or(a)
                } else {
                    a
                };
                let k = fold(surname);
                if !k.is_empty() {
                    main_key = Some(k);
                }
            }
            self.authors.push(name);
        }
        self.author_key = main_key;
    }

    fn read_imprint(&mut self, record: &Record) {
        // RDA 264 with second indicator 1 (publication) first, then 260,
        // then any 264 (distribution, manufacture, copyright).
        let published = record
            .data_fields("264")
            .find(|f| f.indicators.second == '1')
            .or_else(|| record.data_field("260"))
            .or_else(|| record.data_field("264"));
        if let Some(f) = published {
            self.publishers = f
                .values('b')
                .map(trim_isbd)
                .map(|s| s.trim_matches(['[', ']']).trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            self.publisher = self.publishers.first().cloned();
            self.place = f
                .first('a')
                .map(trim_isbd)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
        }
        for f in record.data_fields_any(&["260", "264"]) {
            for c in f.values('c') {
                for y in years_in(c) {
                    if !self.imprint_years.contains(&y) {
                        self.imprint_years.push(y);
                    }
                }
            }
        }
        if let Some(f008) = record.control("008") {
            self.date1 = year_from_008(f008);
            self.date2 = copyright_year_from_008(f008);
        }
        let from_c = |f: &DataField| f.values('c').find_map(year_in);
        self.year = published
            .and_then(from_c)
            .or_else(|| {
                record
                    .data_fields("264")
                    .find(|f| f.indicators.second == '4')
                    .and_then(from_c)
            })
            .or_else(|| record.control("008").and_then(year_from_008));
    }

    fn read_description(&mut self, record: &Record) {
        if let Some(f) = record.data_field("250") {
            let e = trim_isbd(&join_codes(f, "ab")).to_string();
            self.edition = (!e.is_empty()).then_some(e);
        }
        if let Some(f) = record.data_field("300") {
            if let Some(a) = f.first('a') {
                self.pagination = Some(trim_isbd(a).to_string()).filter(|s| !s.is_empty());
                self.extent = parse_extent(a);
            }
        }
        for f in record.data_fields_any(&["490", "440", "800", "810", "811", "830"]) {
            if let Some(a) = f.first('a').or_else(|| f.first('t')) {
                let s = trim_isbd(a).to_string();
                if !s.is_empty() && !self.series.contains(&s) {
                    self.series.push(s);
                }
            }
            for v in f.values('v') {
                let s = trim_isbd(v).to_string();
                if !s.is_empty() && !self.series_numbers.contains(&s) {
                    self.series_numbers.push(s);
                }
            }
        }
    }

    fn read_language(&mut self, record: &Record) {
        let valid = |code: &str| {
            let c = code.trim().to_ascii_lowercase();
            (c.len() == 3
                && c.bytes().all(|b| b.is_ascii_lowercase())
                && c != "und"
                && c != "zxx"
                && c != "mul")
                .then_some(c)
        };
        if let Some(f008) = record.control("008")
            && let Some(code) = f008.get(35..38).and_then(valid)
        {
            self.languages.push(code);
        }
        for f in record.data_fields("041") {
            for v in f.values('a') {
                // Old records pack several codes into one $a: "engfre".
                for chunk in v.as_bytes().chunks(3) {
                    if let Some(code) = std::str::from_utf8(chunk).ok().and_then(valid)
                        && !self.languages.contains(&code)
                    {
                        self.languages.push(code);
                    }
                }
            }
        }
        self.language = self.languages.first().cloned();
    }

    fn read_subjects_and_notes(&mut self, record: &Record) {
        for f in record.data_fields_any(&[
            "600", "610", "611", "630", "648", "650", "651", "653", "655",
        ]) {
            let mut heading = String::new();
            for s in &f.subfields {
                if !s.code.is_ascii_alphabetic() || s.code == 'e' || s.code == '4' {
                    continue;
                }
                let v = trim_isbd(&s.value);
                if v.is_empty() {
                    continue;
                }
                if !heading.is_empty() {
                    heading.push_str(if matches!(s.code, 'v' | 'x' | 'y' | 'z') {
                        " -- "
                    } else {
                        " "
                    });
                }
                heading.push_str(v);
            }
            if !heading.is_empty() && !self.subjects.contains(&heading) {
                self.subjects.push(heading);
            }
        }
        for f in record.data_fields_any(&["500", "505", "520"]) {
            let n = join_codes(f, "agrt");
            let n = n.trim();
            if !n.is_empty() {
                self.notes.push(n.to_string());
            }
        }
    }

    fn read_classification(&mut self, record: &Record) {
        if let Some(f) = record.data_field("050") {
            let a = f.first('a').map(str::trim).unwrap_or("");
            let letters: String = a.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            if !letters.is_empty() && letters.len() <= 3 {
                self.lc_class = Some(letters.to_ascii_uppercase());
            }
            let cn = join_codes(f, "ab");
            if !cn.trim().is_empty() {
                self.lc_call_number = Some(cn.trim().to_string());
            }
        }
        if let Some(a) = record.data_field("082").and_then(|f| f.first('a')) {
            let d = a.trim().replace('/', "");
            if !d.is_empty() {
                self.dewey = Some(d);
            }
        }
    }

    fn read_alternates(&mut self, record: &Record) {
        let push = |list: &mut Vec<String>, v: String| {
            let v = trim_isbd(&v).to_string();
            if !v.is_empty() && !list.contains(&v) {
                list.push(v);
            }
        };
        for f in record.data_fields_any(&["246", "240", "130"]) {
            push(&mut self.alternate_titles, join_codes(f, "abnp"));
        }
        self.uniform_title = record
            .data_fields_any(&["130", "240"])
            .map(|f| trim_isbd(&join_codes(f, "amnprk")).to_string())
            .find(|t| !t.is_empty());
        for f in record.data_fields("880") {
            let linked = f.first('6').and_then(|l| l.get(..3)).unwrap_or("");
            match linked {
                "245" | "246" | "240" | "130" => {
                    push(&mut self.alternate_titles, join_codes(f, "abnp"))
                }
                "100" | "110" | "111" | "700" | "710" | "711" => {
                    push(&mut self.alternate_names, join_codes(f, "abcdnq"))
                }
                "260" | "264" => {
                    for b in f.values('b') {
                        push(&mut self.alternate_names, b.to_string());
                    }
                }
                _ => {}
            }
        }
    }

    fn read_identifiers(&mut self, record: &Record) {
        for f in record.data_fields("020") {
            for s in &f.subfields {
                match s.code {
                    'a' => match Isbn13::parse(&s.value) {
                        Some(isbn) => {
                            if !self.isbns.iter().any(|e| e.isbn == isbn) {
                                let qualifier = isbn_qualifier(&s.value).or_else(|| {
                                    f.first('q').map(|q| {
                                        q.trim_matches(['(', ')', ' ', '.', ';', ':']).to_string()
                                    })
                                });
                                self.isbns.push(IsbnEntry { isbn, qualifier });
                            }
                        }
                        None => {
                            let v = s.value.trim().to_string();
                            if !v.is_empty() {
                                self.invalid_isbns.push(v);
                            }
                        }
                    },
                    'z' => {
                        let v = s.value.trim().to_string();
                        if !v.is_empty() {
                            self.invalid_isbns.push(v);
                        }
                    }
                    _ => {}
                }
            }
        }
        for f in record.data_fields("022") {
            for v in f.values('a') {
                if let Some(issn) = Issn::parse(v)
                    && !self.issns.contains(&issn)
                {
                    self.issns.push(issn);
                }
            }
        }
        for f in record.data_fields("035") {
            for v in f.values('a') {
                if let Some(n) = OclcNumber::from_035(v)
                    && !self.oclc_numbers.contains(&n)
                {
                    self.oclc_numbers.push(n);
                }
            }
        }
        // Records copied from WorldCat keep the OCLC number in 001 with 003
        // "OCoLC", or with the ocm/ocn/on prefix.
        if let Some(cn) = record.control_number() {
            let from_oclc = record
                .control("003")
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("OCoLC"));
            let prefixed = cn.starts_with("ocm") || cn.starts_with("ocn") || cn.starts_with("on");
            if (from_oclc || prefixed)
                && let Some(n) = OclcNumber::parse(cn)
                && !self.oclc_numbers.contains(&n)
            {
                self.oclc_numbers.push(n);
            }
        }
        self.lccn = record
            .data_fields("010")
            .find_map(|f| f.first('a').and_then(Lccn::parse));
        for f in record.data_fields("019") {
            for v in f.values('a') {
                if let Some(n) = OclcNumber::parse(v)
                    && !self.oclc_numbers.contains(&n)
                    && !self.merged_oclc_numbers.contains(&n)
                {
                    self.merged_oclc_numbers.push(n);
                }
            }
        }
        if let Some(f) = record.data_field("773") {
            let host = trim_isbd(&join_codes(f, "tg")).to_string();
            self.host_item = (!host.is_empty()).then_some(host);
        }
    }
}

fn join_codes(f: &DataField, codes: &str) -> String {
    let mut out = String::new();
    for v in f.values_of(codes) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(v);
    }
    out
}

/// The qualifier written after an ISBN in the same subfield: `(pbk.)`, `v. 1`.
fn isbn_qualifier(value: &str) -> Option<String> {
    let i = value.find(|c: char| c == '(' || c.is_ascii_alphabetic() && c != 'X' && c != 'x')?;
    let q = value[i..]
        .trim()
        .trim_matches(['(', ')', ' ', '.', ';', ':'])
        .trim();
    (!q.is_empty()).then(|| q.to_string())
}

/// Reads pages and volumes from 300 $a: `xii, 345 p.` → 345 pages;
/// `320, 11 p.` → 320 (the largest section of the paging); `3 v. (1200 p.)`
/// → 3 volumes, 1200 pages; `1 online resource (320 pages)` → 320. Numbers
/// followed by another unit (`60 min.`, `2 sound discs`) are not pages.
pub fn parse_extent(text: &str) -> Extent {
    let mut extent = Extent::default();
    let lower = text.to_lowercase();
    let bytes = lower.as_bytes();
    let mut pending: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let Ok(n) = lower[start..i].parse::<u32>() else {
            pending.clear();
            continue;
        };
        let rest = lower[i..].trim_start_matches([' ', '[', ']']);
        let is_pages = [
            "p.", "p ", "pages", "page", "leaves", "leaf", "s.", "columns", "col.",
        ]
        .iter()
        .any(|u| rest.starts_with(u))
            || rest == "p";
        let is_volumes = ["v.", "v ", "vol", "volumes"]
            .iter()
            .any(|u| rest.starts_with(u))
            || rest == "v";
        if is_pages {
            let m = pending.iter().copied().chain([n]).max().unwrap_or(n);
            extent.pages = Some(extent.pages.map_or(m, |p| p.max(m)));
            pending.clear();
        } else if is_volumes {
            extent.volumes = Some(n);
            pending.clear();
        } else if rest.starts_with(',') || rest.is_empty() {
            // A section of the paging: "320, 11 p.".
            pending.push(n);
        } else {
            pending.clear();
        }
    }
    extent
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_marc::{Indicators, Leader, Subfield, Tag};

    fn field(r: &mut Record, tag: &str, ind: (char, char), subs: &[(char, &str)]) {
        r.push_data(
            Tag::parse(tag).unwrap(),
            Indicators::new(ind.0, ind.1),
            subs.iter().map(|(c, v)| Subfield::new(*c, *v)).collect(),
        );
    }

    fn sample() -> Record {
        let mut r = Record::new();
        r.leader = Leader::from_text("01142cam  2200301 a 4500");
        r.push_control(Tag::parse("001").unwrap(), "ocm00012345");
        r.push_control(Tag::parse("003").unwrap(), "OCoLC");
        r.push_control(
            Tag::parse("008").unwrap(),
            "830506s1983    nyu           000 1 eng  ",
        );
        field(&mut r, "010", (' ', ' '), &[('a', "   83012345 ")]);
        field(
            &mut r,
            "020",
            (' ', ' '),
            &[('a', "0940787083 (pbk.)"), ('c', "$12.95")],
        );
        field(&mut r, "020", (' ', ' '), &[('a', "9514920096")]);
        field(&mut r, "035", (' ', ' '), &[('a', "(OCoLC)ocm00012345")]);
        field(&mut r, "035", (' ', ' '), &[('a', "(DLC)   83012345")]);
        field(
            &mut r,
            "050",
            ('0', '0'),
            &[('a', "PS3545.H16"), ('b', "C3 1983")],
        );
        field(
            &mut r,
            "100",
            ('1', ' '),
            &[('a', "Wharton, Edith,"), ('d', "1862-1937.")],
        );
        field(
            &mut r,
            "245",
            ('1', '4'),
            &[
                ('a', "The age of innocence :"),
                ('b', "a novel /"),
                ('c', "Edith Wharton."),
            ],
        );
        field(&mut r, "250", (' ', ' '), &[('a', "2nd ed.")]);
        field(
            &mut r,
            "260",
            (' ', ' '),
            &[('a', "New York :"), ('b', "Scribner,"), ('c', "c1983.")],
        );
        field(
            &mut r,
            "300",
            (' ', ' '),
            &[('a', "xii, 345 p. ;"), ('c', "22 cm.")],
        );
        field(
            &mut r,
            "650",
            (' ', '0'),
            &[
                ('a', "Upper class"),
                ('z', "New York (State)"),
                ('v', "Fiction."),
            ],
        );
        field(
            &mut r,
            "700",
            ('1', ' '),
            &[('a', "Smith, J."), ('e', "editor.")],
        );
        r
    }

    #[test]
    fn extracts_the_description() {
        let b = BibRecord::from_marc(&sample());
        assert_eq!(b.title, "The age of innocence");
        assert_eq!(b.subtitle.as_deref(), Some("a novel"));
        assert_eq!(b.title_key, "age of innocence a novel");
        assert_eq!(b.sort_title, "age of innocence a novel");
        assert_eq!(
            b.authors,
            vec![
                "Wharton, Edith, 1862-1937".to_string(),
                "Smith, J.".to_string()
            ]
        );
        assert_eq!(b.author_key.as_deref(), Some("wharton"));
        assert_eq!(b.publisher.as_deref(), Some("Scribner"));
        assert_eq!(b.place.as_deref(), Some("New York"));
        assert_eq!(b.year, Some(1983));
        assert_eq!(b.edition.as_deref(), Some("2nd ed."));
        assert_eq!(b.extent.pages, Some(345));
        assert_eq!(b.format, MaterialFormat::Book);
        assert_eq!(b.language.as_deref(), Some("eng"));
        assert_eq!(
            b.subjects,
            vec!["Upper class -- New York (State) -- Fiction".to_string()]
        );
        assert_eq!(b.lc_class.as_deref(), Some("PS"));
        assert_eq!(b.isbns.len(), 1);
        assert_eq!(b.isbns[0].isbn.to_string(), "9780940787087");
        assert_eq!(b.isbns[0].qualifier.as_deref(), Some("pbk"));
        assert_eq!(b.invalid_isbns, vec!["9514920096".to_string()]);
        assert_eq!(
            b.oclc_numbers.iter().map(|o| o.value()).collect::<Vec<_>>(),
            vec![12345]
        );
        assert_eq!(b.lccn.as_ref().map(Lccn::as_str), Some("83012345"));
    }

    #[test]
    fn year_falls_back_to_008_and_264() {
        let mut r = Record::new();
        r.push_control(
            Tag::parse("008").unwrap(),
            "830506s1983    nyu           000 1 eng  ",
        );
        field(
            &mut r,
            "264",
            (' ', '1'),
            &[('b', "Penguin,"), ('c', "[2003]")],
        );
        field(&mut r, "264", (' ', '4'), &[('c', "©2002")]);
        let b = BibRecord::from_marc(&r);
        assert_eq!(b.year, Some(2003));
        assert_eq!(b.publisher.as_deref(), Some("Penguin"));
        let mut r = Record::new();
        r.push_control(
            Tag::parse("008").unwrap(),
            "830506s1983    nyu           000 1 eng  ",
        );
        field(&mut r, "260", (' ', ' '), &[('c', "[n.d.]")]);
        assert_eq!(BibRecord::from_marc(&r).year, Some(1983));
    }

    #[test]
    fn extents() {
        assert_eq!(
            parse_extent("xii, 345 p."),
            Extent {
                pages: Some(345),
                volumes: None
            }
        );
        assert_eq!(
            parse_extent("3 v. (1200 p.)"),
            Extent {
                pages: Some(1200),
                volumes: Some(3)
            }
        );
        assert_eq!(
            parse_extent("1 online resource (320 pages)"),
            Extent {
                pages: Some(320),
                volumes: None
            }
        );
        assert_eq!(
            parse_extent("[8], 120 leaves"),
            Extent {
                pages: Some(120),
                volumes: None
            }
        );
        assert_eq!(
            parse_extent("9 v."),
            Extent {
                pages: None,
                volumes: Some(9)
            }
        );
        assert_eq!(parse_extent("1 sound disc (60 min.)"), Extent::default());
        assert_eq!(
            parse_extent("320, 11 p."),
            Extent {
                pages: Some(320),
                volumes: None
            }
        );
        assert_eq!(
            parse_extent("247, 16 pages ;"),
            Extent {
                pages: Some(247),
                volumes: None
            }
        );
        assert_eq!(
            parse_extent("2 sound cassettes (3 hr. 16 min.)"),
            Extent::default()
        );
    }
}
