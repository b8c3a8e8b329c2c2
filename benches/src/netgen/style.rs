//! A library's cataloguing style, and the re-cataloguing of one copy in it.
//!
//! Each library gets one [`Style`], drawn from the seed by rotating every
//! knob through its values with a seeded offset, so that any two libraries
//! differ in several ways. [`Style::apply`] rewrites a copy of a
//! manifestation's record the way that library would have catalogued it:
//! the ISBN's written form and qualifier (or no ISBN at all, for some
//! copies), 245 punctuation, subtitle and case, names with initials and
//! without dates, 260 ↔ 264 and the form of the date, the 300 extent, and
//! subjects or notes left out. Nothing that identifies the manifestation
//! changes: the year, the page count, the ISBN's digits, the title's words.
//! OCLC numbers, the 001 and holdings are written by `generate`. A style
//! also carries the library's [`ClassRates`]: how often its copies fall
//! into the harder classes of [`super::classes`], which do change some of
//! those things, on purpose and in the truth.

use super::classes::{ClassRates, ClassSelection};
use super::ids::{IsbnForm, write_isbn};
use super::marcedit::{
    data_fields_mut, punct_245, punct_250, punct_300, punct_imprint, punct_name,
    remove_data_fields, repunctuate,
};
use crate::Rng;
use unicat_bib::Isbn13;
use unicat_bib::fold::trim_isbd;
use unicat_marc::{DataField, Field, Indicators, Record, Subfield};

/// Where an ISBN's qualifier (`pbk.`, `alk. paper`) goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum QualifierPlace {
    /// After the number in `$a`: `0940787083 (pbk.)`.
    InA,
    /// In `$q` (RDA practice since 2013).
    InQ,
    /// Left out.
    Dropped,
}

/// How a library records the OCLC number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OclcForm {
    /// 035 `(OCoLC)ocm00012345` / `ocn…` / `on…`.
    Prefixed,
    /// 035 `(OCoLC)12345`.
    Bare,
    /// 001 `ocm00012345` with 003 `OCoLC` (records copied from WorldCat).
    ControlNumber,
    /// Not at all.
    Dropped,
    /// 035 `(OCoLC)ocn010037096`: `ocn` with nine digits whatever the size
    /// (no library writes it always; some copies do, see [`super::classes`]).
    Ocn,
}

/// What happens to 245 `$b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SubtitleForm {
    Keep,
    /// Folded into `$a` as `Title: subtitle`.
    Fold,
    Drop,
}

/// Which imprint field a library writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImprintForm {
    AsCatalogued,
    /// RDA: 264 with second indicator 1.
    Rda264,
    /// AACR2: 260.
    Aacr260,
}

/// How the date of publication is written (the year never changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateForm {
    AsCatalogued,
    /// `2003`
    Plain,
    /// `c2003`
    CopyrightC,
    /// `[2003]`
    Bracketed,
    /// `©2003`
    CopyrightSign,
}

/// How 300 `$a` is written (the page count never changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExtentForm {
    AsCatalogued,
    /// `xii, 345 p.`
    Abbreviated,
    /// `345 pages`
    Spelled,
    /// `xii, 345 p. : ill.`
    WithIllustrations,
}

/// A library's cataloguing habits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Style {
    pub(crate) isbn_form: IsbnForm,
    pub(crate) isbn_qualifier: QualifierPlace,
    /// Share of copies (per mille) whose ISBNs this library did not record.
    pub(crate) isbn_dropped_per_mille: u32,
    pub(crate) oclc: OclcForm,
    /// ISBD punctuation kept (true) or stripped.
    pub(crate) isbd: bool,
    pub(crate) subtitle: SubtitleForm,
    /// Title proper in capitals.
    pub(crate) caps_title: bool,
    /// Forenames as initials (`Wharton, E.`).
    pub(crate) initials: bool,
    /// Dates (`$d`) left out of names.
    pub(crate) drop_dates: bool,
    pub(crate) imprint: ImprintForm,
    pub(crate) date_form: DateForm,
    pub(crate) extent: ExtentForm,
    pub(crate) drop_subjects: bool,
    pub(crate) drop_notes: bool,
    /// How often this library's copies fall into each class of
    /// [`super::classes`] (brief records, typing slips, date shifts…).
    pub(crate) classes: ClassRates,
}

/// `values[(index + offset) % len]`: every knob rotates through its values
/// across libraries, from a seeded starting point.
fn rotate<T: Copy>(values: &[T], index: usize, rng: &mut Rng) -> T {
    let offset = rng.index(values.len());
    values[(index + offset) % values.len()]
}

impl Style {
    /// The style of library number `index` (0-based) for a seed.
    pub(crate) fn for_library(index: usize, seed: u64) -> Style {
        use DateForm as D;
        use ExtentForm as E;
        use ImprintForm as I;
        use IsbnForm as F;
        use OclcForm as O;
        use QualifierPlace as Q;
        use SubtitleForm as S;
        // One stream for the whole network, so that the offsets are shared
        // and rotation, not chance, spreads the values.
        let mut rng = Rng::derive(seed, &[super::stream::STYLE]);
        Style {
            isbn_form: rotate(
                &[
                    F::AsCatalogued,
                    F::Thirteen,
                    F::Ten,
                    F::Hyphenated13,
                    F::Hyphenated10,
                ],
                index,
                &mut rng,
            ),
            isbn_qualifier: rotate(&[Q::InA, Q::InQ, Q::Dropped], index, &mut rng),
            isbn_dropped_per_mille: rotate(&[0, 100, 0, 200, 50], index, &mut rng),
            oclc: rotate(
                &[
                    O::Prefixed,
                    O::Bare,
                    O::ControlNumber,
                    O::Prefixed,
                    O::Dropped,
                ],
                index,
                &mut rng,
            ),
            isbd: rotate(&[true, false], index, &mut rng),
            subtitle: rotate(&[S::Keep, S::Fold, S::Keep, S::Drop], index, &mut rng),
            caps_title: rotate(&[false, false, true], index, &mut rng),
            initials: rotate(&[false, true, false], index, &mut rng),
            drop_dates: rotate(&[false, true], index, &mut rng),
            imprint: rotate(&[I::AsCatalogued, I::Rda264, I::Aacr260], index, &mut rng),
            date_form: rotate(
                &[
                    D::AsCatalogued,
                    D::Plain,
                    D::CopyrightC,
                    D::Bracketed,
                    D::CopyrightSign,
                ],
                index,
                &mut rng,
            ),
            extent: rotate(
                &[
                    E::AsCatalogued,
                    E::Abbreviated,
                    E::Spelled,
                    E::WithIllustrations,
                ],
                index,
                &mut rng,
            ),
            drop_subjects: rotate(&[false, false, true], index, &mut rng),
            drop_notes: rotate(&[false, true, false, false], index, &mut rng),
            // Drawn last, so that the knobs above are what they were before
            // the classes existed.
            classes: ClassRates::for_library(index, &mut rng),
        }
    }

    /// One line describing the style, for the network's README, with the
    /// rates of the selected classes.
    pub(crate) fn describe(&self, selection: ClassSelection) -> String {
        let mut parts = vec![
            format!("ISBN {:?}", self.isbn_form),
            format!("qualifier {:?}", self.isbn_qualifier),
        ];
        if self.isbn_dropped_per_mille > 0 {
            parts.push(format!(
                "ISBN missing on {}% of copies",
                self.isbn_dropped_per_mille / 10
            ));
        }
        parts.push(format!("OCLC {:?}", self.oclc));
        parts.push(
            if self.isbd {
                "ISBD kept"
            } else {
                "ISBD stripped"
            }
            .to_string(),
        );
        parts.push(format!("subtitle {:?}", self.subtitle));
        if self.caps_title {
            parts.push("TITLE IN CAPITALS".to_string());
        }
        if self.initials {
            parts.push("initials".to_string());
        }
        if self.drop_dates {
            parts.push("no name dates".to_string());
        }
        parts.push(format!("imprint {:?}", self.imprint));
        parts.push(format!("date {:?}", self.date_form));
        parts.push(format!("extent {:?}", self.extent));
        if self.drop_subjects {
            parts.push("no subjects".to_string());
        }
        if self.drop_notes {
            parts.push("no notes".to_string());
        }
        parts.extend(self.classes.describe(selection));
        parts.join(", ")
    }

    /// Re-catalogues one copy in this style.
    pub(crate) fn apply(&self, record: &mut Record, rng: &mut Rng) {
        self.isbns(record, rng);
        self.title(record);
        self.names(record);
        self.imprint(record);
        self.extent(record);
        if !self.isbd {
            for f in data_fields_mut(record, "250") {
                repunctuate(f, false, punct_250);
            }
        }
        if self.drop_subjects {
            remove_data_fields(record, |d| d.tag.as_str().starts_with('6'));
        }
        if self.drop_notes {
            remove_data_fields(record, |d| d.tag.as_str().starts_with('5'));
        }
    }

    fn isbns(&self, record: &mut Record, rng: &mut Rng) {
        let valid = |d: &DataField| d.values('a').any(|a| Isbn13::parse(a).is_some());
        if self.isbn_dropped_per_mille > 0 && rng.per_mille(self.isbn_dropped_per_mille) {
            remove_data_fields(record, |d| d.tag == "020" && valid(d));
            return;
        }
        for f in data_fields_mut(record, "020") {
            if !valid(f) {
                continue;
            }
            let q_values: Vec<String> = f
                .values('q')
                .map(|q| trim_isbd(q).trim_matches(['(', ')']).to_string())
                .filter(|q| !q.is_empty())
                .collect();
            let mut out = Vec::with_capacity(f.subfields.len() + 1);
            for sub in f.subfields.drain(..) {
                match sub.code {
                    'a' => match Isbn13::parse(&sub.value) {
                        Some(isbn) => {
                            let (number, qualifier) = split_isbn_text(&sub.value);
                            let qualifier = qualifier
                                .or_else(|| (!q_values.is_empty()).then(|| q_values.join(" ; ")));
                            let written = write_isbn(&isbn.to_string(), self.isbn_form, number);
                            match (self.isbn_qualifier, qualifier) {
                                (QualifierPlace::InA, Some(q)) => {
                                    out.push(Subfield::new('a', format!("{written} ({q})")));
                                }
                                (QualifierPlace::InQ, Some(q)) => {
                                    out.push(Subfield::new('a', written));
                                    out.push(Subfield::new('q', q));
                                }
                                _ => out.push(Subfield::new('a', written)),
                            }
                        }
                        None => out.push(sub),
                    },
                    // Re-written beside $a above.
                    'q' => {}
                    _ => out.push(sub),
                }
            }
            f.subfields = out;
        }
    }

    fn title(&self, record: &mut Record) {
        let Some(f) = data_fields_mut(record, "245").next() else {
            return;
        };
        let mut changed = false;
        match self.subtitle {
            SubtitleForm::Keep => {}
            SubtitleForm::Fold => {
                let b = f.subfields.iter().position(|s| s.code == 'b');
                let a = f.subfields.iter().position(|s| s.code == 'a');
                if let (Some(a), Some(b)) = (a, b) {
                    let subtitle = f.subfields.remove(b).value;
                    let title = &mut f.subfields[a].value;
                    *title = format!("{}: {}", trim_isbd(title), trim_isbd(&subtitle));
                    changed = true;
                }
            }
            SubtitleForm::Drop => {
                let before = f.subfields.len();
                f.subfields.retain(|s| s.code != 'b');
                changed = f.subfields.len() != before;
            }
        }
        if self.caps_title
            && let Some(a) = f.subfields.iter_mut().find(|s| s.code == 'a')
        {
            a.value = a.value.to_uppercase();
        }
        if changed || !self.isbd {
            repunctuate(f, self.isbd, punct_245);
        }
    }

    fn names(&self, record: &mut Record) {
        if !(self.initials || self.drop_dates || !self.isbd) {
            return;
        }
        for tag in ["100", "700"] {
            for f in data_fields_mut(record, tag) {
                let mut changed = false;
                if self.initials && f.indicators.first == '1' {
                    if let Some(a) = f.subfields.iter_mut().find(|s| s.code == 'a')
                        && let Some(short) = initials_of(&a.value)
                    {
                        a.value = short;
                        changed = true;
                    }
                    // The fuller form would give the forenames back.
                    f.subfields.retain(|s| s.code != 'q');
                }
                if self.drop_dates {
                    let before = f.subfields.len();
                    f.subfields.retain(|s| s.code != 'd');
                    changed |= f.subfields.len() != before;
                }
                if changed || !self.isbd {
                    repunctuate(f, self.isbd, punct_name);
                }
            }
        }
    }

    fn imprint(&self, record: &mut Record) {
        let Some(at) = publication_field(record) else {
            return;
        };
        let mut changed = false;
        let is_264 = record.fields[at].tag() == "264";
        match (self.imprint, is_264) {
            (ImprintForm::Rda264, false) => {
                if let Field::Data(f) = &mut record.fields[at] {
                    f.tag = super::marcedit::tag("264");
                    f.indicators = Indicators::new(' ', '1');
                    f.subfields.retain(|s| !matches!(s.code, 'e' | 'f' | 'g'));
                    changed = true;
                }
            }
            (ImprintForm::Aacr260, true) => {
                let copyright = record
                    .data_fields("264")
                    .find(|f| f.indicators.second == '4')
                    .and_then(|f| f.first('c'))
                    .map(|c| c.replace('©', "c"));
                if let Field::Data(f) = &mut record.fields[at] {
                    f.tag = super::marcedit::tag("260");
                    f.indicators = Indicators::BLANK;
                    if f.first('c').is_none()
                        && let Some(c) = copyright
                    {
                        f.subfields.push(Subfield::new('c', c));
                    }
                    changed = true;
                }
                record.fields.retain(|field| {
                    !(field.tag() == "264"
                        && field
                            .as_data()
                            .is_some_and(|d| matches!(d.indicators.second, '2' | '3' | '4')))
                });
            }
            _ => {}
        }
        // The field may have moved: the 264s after it were removed.
        let Some(at) = publication_field(record) else {
            return;
        };
        let Field::Data(f) = &mut record.fields[at] else {
            return;
        };
        if self.date_form != DateForm::AsCatalogued
            && let Some(c) = f.subfields.iter_mut().find(|s| s.code == 'c')
            && let Some(year) = simple_year(&c.value)
        {
            c.value = match self.date_form {
                DateForm::Plain | DateForm::AsCatalogued => year.to_string(),
                DateForm::CopyrightC => format!("c{year}"),
                DateForm::Bracketed => format!("[{year}]"),
                DateForm::CopyrightSign => format!("©{year}"),
            };
            changed = true;
        }
        if changed || !self.isbd {
            repunctuate(f, self.isbd, punct_imprint);
        }
    }

    fn extent(&self, record: &mut Record) {
        if self.extent == ExtentForm::AsCatalogued && self.isbd {
            return;
        }
        let Some(f) = data_fields_mut(record, "300").next() else {
            return;
        };
        if let Some(a) = f.subfields.iter().position(|s| s.code == 'a')
            && let Some((prelims, pages)) = simple_pages(trim_isbd(&f.subfields[a].value))
        {
            let prelims = prelims.map(|p| format!("{p}, ")).unwrap_or_default();
            match self.extent {
                ExtentForm::AsCatalogued => {}
                ExtentForm::Abbreviated => f.subfields[a].value = format!("{prelims}{pages} p."),
                ExtentForm::Spelled => f.subfields[a].value = format!("{pages} pages"),
                ExtentForm::WithIllustrations => {
                    f.subfields[a].value = format!("{prelims}{pages} p.");
                    if !f.subfields.iter().any(|s| s.code == 'b') {
                        f.subfields.insert(a + 1, Subfield::new('b', "ill."));
                    }
                }
            }
        }
        repunctuate(f, self.isbd, punct_300);
    }
}

/// The index of the field holding the publication statement: the first 264
/// with second indicator 1, else the first 260.
pub(crate) fn publication_field(record: &Record) -> Option<usize> {
    record
        .fields
        .iter()
        .position(|f| f.tag() == "264" && f.as_data().is_some_and(|d| d.indicators.second == '1'))
        .or_else(|| record.fields.iter().position(|f| f.tag() == "260"))
}

/// Splits `0-940787-08-3 (pbk. : alk. paper)` into the number as written
/// and the qualifier without its parentheses.
pub(crate) fn split_isbn_text(value: &str) -> (&str, Option<String>) {
    let bytes = value.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit).unwrap_or(0);
    let mut end = start;
    while end < bytes.len() {
        let b = bytes[end];
        let joins_digits = matches!(b, b'-' | b' ')
            && bytes
                .get(end + 1)
                .is_some_and(|n| n.is_ascii_digit() || matches!(n, b'X' | b'x'));
        if b.is_ascii_digit() || matches!(b, b'X' | b'x') || joins_digits {
            end += 1;
        } else {
            break;
        }
    }
    let qualifier = value[end..]
        .trim()
        .trim_start_matches(':')
        .trim()
        .trim_start_matches('(')
        .trim_end_matches([' ', ':', ';'])
        .trim_end_matches(')')
        .trim();
    (
        value[start..end].trim(),
        (!qualifier.is_empty()).then(|| qualifier.to_string()),
    )
}

/// `Wharton, Edith,` → `Wharton, E.`; `Smith, John Robert` → `Smith, J. R.`;
/// `Sartre, Jean-Paul` → `Sartre, J.-P.`; particles (`de`) stay. None when
/// the name has no forenames.
pub(crate) fn initials_of(name: &str) -> Option<String> {
    let trimmed = trim_isbd(name);
    let (surname, forenames) = trimmed.split_once(", ")?;
    let forenames = forenames.trim();
    if forenames.is_empty() || surname.is_empty() {
        return None;
    }
    let words: Vec<String> = forenames
        .split_whitespace()
        .map(|word| {
            if word.chars().next().is_some_and(char::is_uppercase) {
                word.split('-')
                    .filter_map(|part| part.chars().next())
                    .map(|c| format!("{c}."))
                    .collect::<Vec<_>>()
                    .join("-")
            } else {
                word.to_string()
            }
        })
        .collect();
    Some(format!("{surname}, {}", words.join(" ")))
}

/// The year of a date statement written in one of the simple forms
/// (`2003.`, `c2003`, `[2003]`, `©2003`, `[c2003]`), or None for anything
/// richer (`1995, c1994`, `[197-?]`, `Shōwa 3 [1928]`), which is left alone.
pub(crate) fn simple_year(value: &str) -> Option<&str> {
    let t = value.trim().trim_end_matches('.').trim();
    let core = t
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_start_matches(['c', '©', 'p', '℗'])
        .trim_start_matches('[')
        .trim_end_matches(']');
    (core.len() == 4 && core.bytes().all(|b| b.is_ascii_digit())).then_some(core)
}

/// `xii, 345 p.` → (Some("xii"), 345); `345 pages` → (None, 345); anything
/// else (several sequences, leaves, volumes) → None.
pub(crate) fn simple_pages(a: &str) -> Option<(Option<&str>, u32)> {
    let is_prelim = |p: &str| {
        !p.is_empty()
            && (p.bytes().all(|b| b"ivxlcdm".contains(&b))
                || (p.starts_with('[')
                    && p.ends_with(']')
                    && p.len() > 2
                    && p[1..p.len() - 1].bytes().all(|b| b.is_ascii_digit())))
    };
    let (prelims, rest) = match a.split_once(", ") {
        Some((p, r)) if is_prelim(p) => (Some(p), r),
        Some(_) => return None,
        None => (None, a),
    };
    let rest = rest.trim();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let unit = rest[digits..].trim();
    if !matches!(unit, "p." | "p" | "pages") {
        return None;
    }
    let pages: u32 = rest[..digits].parse().ok()?;
    (pages > 0).then_some((prelims, pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn_text_is_split() {
        assert_eq!(
            split_isbn_text("0940787083 (pbk. : alk. paper)"),
            ("0940787083", Some("pbk. : alk. paper".to_string()))
        );
        assert_eq!(split_isbn_text("0-940787-08-3 :"), ("0-940787-08-3", None));
        assert_eq!(split_isbn_text("080442957X"), ("080442957X", None));
    }

    #[test]
    fn initials() {
        assert_eq!(
            initials_of("Wharton, Edith,").as_deref(),
            Some("Wharton, E.")
        );
        assert_eq!(
            initials_of("Smith, John Robert.").as_deref(),
            Some("Smith, J. R.")
        );
        assert_eq!(
            initials_of("Sartre, Jean-Paul,").as_deref(),
            Some("Sartre, J.-P.")
        );
        assert_eq!(
            initials_of("Beauvoir, Simone de,").as_deref(),
            Some("Beauvoir, S. de")
        );
        assert_eq!(initials_of("Homer."), None);
    }

    #[test]
    fn simple_dates_and_pages() {
        for (v, y) in [
            ("2003.", "2003"),
            ("c2003.", "2003"),
            ("[2003]", "2003"),
            ("©2003", "2003"),
            ("[c2003]", "2003"),
        ] {
            assert_eq!(simple_year(v), Some(y), "{v}");
        }
        assert_eq!(simple_year("1995, c1994."), None);
        assert_eq!(simple_year("[197-?]"), None);
        assert_eq!(simple_pages("xii, 345 p."), Some((Some("xii"), 345)));
        assert_eq!(simple_pages("345 pages"), Some((None, 345)));
        assert_eq!(simple_pages("[8], 120 p"), Some((Some("[8]"), 120)));
        assert_eq!(simple_pages("2 v."), None);
        assert_eq!(simple_pages("1 p.l., 7-214 p. incl. port."), None);
    }

    #[test]
    fn styles_differ_between_libraries() {
        let styles: Vec<Style> = (0..6).map(|i| Style::for_library(i, 1)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(Style::for_library(2, 9), Style::for_library(2, 9));
    }
}
