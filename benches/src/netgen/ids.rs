//! Identifiers the generator writes: ISBNs in their written forms (13 or 10
//! digits, hyphenated or not), new valid ISBN-13s for siblings, OCLC numbers
//! in their 035 and 001 forms, and the [`IdAllocator`] that keeps every
//! invented number unique and apart from every real number of the input (so
//! that an invented identifier can never join two manifestations).

use crate::Rng;
use std::collections::HashSet;

/// How a library writes an ISBN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IsbnForm {
    /// As the original record had it.
    AsCatalogued,
    /// 13 digits.
    Thirteen,
    /// 10 digits (13 when the ISBN has the 979 prefix).
    Ten,
    /// 13 digits with hyphens.
    Hyphenated13,
    /// 10 digits with hyphens (13 for 979).
    Hyphenated10,
}

/// The EAN-13 check digit of 12 digits.
pub(crate) fn ean_check(first12: &str) -> char {
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// The ISBN-10 of a 978 ISBN-13, or None for 979.
pub(crate) fn isbn10_of(isbn13: &str) -> Option<String> {
    let body = isbn13.strip_prefix("978")?.get(..9)?;
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (10 - i as u32))
        .sum();
    let check = (11 - sum % 11) % 11;
    let c = if check == 10 {
        'X'
    } else {
        char::from(b'0' + check as u8)
    };
    Some(format!("{body}{c}"))
}

/// Lengths of the registration group and registrant elements of a 9-digit
/// ISBN body (group + registrant + publication), after the 978/979 prefix.
/// A close approximation of the International ISBN Agency's ranges: exact
/// for the English-language groups 0 and 1, plausible elsewhere.
fn element_lengths(prefix: &str, body: &str) -> (usize, usize) {
    let digit = |i: usize| body.as_bytes().get(i).map_or(0, |b| u32::from(b - b'0'));
    let group = if prefix == "979" {
        if digit(0) == 8 { 1 } else { 2 }
    } else {
        match (digit(0), digit(1), digit(2)) {
            (0..=5 | 7, _, _) => 1,
            (8, _, _) | (9, 0..=4, _) => 2,
            (9, 5..=8, _) | (9, 9, 0..=8) => 3,
            _ => 4,
        }
    };
    let rest = &body[group.min(body.len())..];
    let mut seven = [0u32; 7];
    for (slot, b) in seven.iter_mut().zip(rest.bytes()) {
        *slot = u32::from(b - b'0');
    }
    let r7 = seven.iter().fold(0u32, |n, d| n * 10 + d);
    let registrant = if group == 1 && digit(0) == 1 && prefix == "978" {
        match r7 {
            0..=999_999 => 2,
            1_000_000..=3_999_999 => 3,
            4_000_000..=5_499_999 => 4,
            5_500_000..=8_697_999 => 5,
            8_698_000..=9_989_999 => 6,
            _ => 7,
        }
    } else {
        match r7 {
            0..=1_999_999 => 2,
            2_000_000..=6_999_999 => 3,
            7_000_000..=8_499_999 => 4,
            8_500_000..=8_999_999 => 5,
            9_000_000..=9_499_999 => 6,
            _ => 7,
        }
    };
    let registrant = registrant.min(9usize.saturating_sub(group + 1));
    (group, registrant)
}

/// `9780940787087` → `978-0-940787-08-7`.
pub(crate) fn hyphenate13(isbn13: &str) -> String {
    if isbn13.len() != 13 || !isbn13.is_ascii() {
        return isbn13.to_string();
    }
    let (prefix, body, check) = (&isbn13[..3], &isbn13[3..12], &isbn13[12..]);
    let (g, r) = element_lengths(prefix, body);
    format!(
        "{prefix}-{}-{}-{}-{check}",
        &body[..g],
        &body[g..g + r],
        &body[g + r..]
    )
}

/// `0940787083` → `0-940787-08-3`.
pub(crate) fn hyphenate10(isbn10: &str) -> String {
    if isbn10.len() != 10 || !isbn10.is_ascii() {
        return isbn10.to_string();
    }
    let (body, check) = (&isbn10[..9], &isbn10[9..]);
    let (g, r) = element_lengths("978", body);
    format!(
        "{}-{}-{}-{check}",
        &body[..g],
        &body[g..g + r],
        &body[g + r..]
    )
}

/// An ISBN (13 digits) written in `form`; `as_catalogued` is the number as
/// the original record wrote it.
pub(crate) fn write_isbn(isbn13: &str, form: IsbnForm, as_catalogued: &str) -> String {
    match form {
        IsbnForm::AsCatalogued => as_catalogued.to_string(),
        IsbnForm::Thirteen => isbn13.to_string(),
        IsbnForm::Ten => isbn10_of(isbn13).unwrap_or_else(|| isbn13.to_string()),
        IsbnForm::Hyphenated13 => hyphenate13(isbn13),
        IsbnForm::Hyphenated10 => isbn10_of(isbn13)
            .map(|ten| hyphenate10(&ten))
            .unwrap_or_else(|| hyphenate13(isbn13)),
    }
}

/// An OCLC number with the prefix WorldCat gives it by size:
/// `ocm00012345` (up to 8 digits), `ocn123456789` (9), `on1234567890` (10+).
pub(crate) fn oclc_prefixed(n: u64) -> String {
    if n < 100_000_000 {
        format!("ocm{n:08}")
    } else if n < 1_000_000_000 {
        format!("ocn{n:09}")
    } else {
        format!("on{n}")
    }
}

/// Hands out invented ISBNs and OCLC numbers, never one that a real input
/// record carries and never the same one twice.
pub(crate) struct IdAllocator {
    taken_isbns: HashSet<u64>,
    taken_oclc: HashSet<u64>,
    /// How many were invented.
    pub(crate) isbns_made: u64,
    pub(crate) oclc_made: u64,
}

impl IdAllocator {
    /// An allocator that avoids the given real numbers.
    pub(crate) fn new(taken_isbns: HashSet<u64>, taken_oclc: HashSet<u64>) -> IdAllocator {
        IdAllocator {
            taken_isbns,
            taken_oclc,
            isbns_made: 0,
            oclc_made: 0,
        }
    }

    /// A new valid ISBN-13 starting with `prefix` (3 to 11 digits; a
    /// publisher's prefix makes the number look like that publisher's).
    pub(crate) fn isbn(&mut self, rng: &mut Rng, prefix: &str) -> String {
        let prefix = if prefix.len() >= 3
            && prefix.len() <= 11
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && (prefix.starts_with("978") || prefix.starts_with("979"))
        {
            prefix
        } else {
            "978"
        };
        for attempt in 0..1000 {
            // After many collisions (a crowded publisher prefix), widen.
            let p = if attempt < 50 {
                prefix
            } else {
                &prefix[..4.min(prefix.len())]
            };
            let mut twelve = String::with_capacity(13);
            twelve.push_str(p);
            while twelve.len() < 12 {
                twelve.push(char::from(b'0' + rng.below(10) as u8));
            }
            twelve.push(ean_check(&twelve));
            let Ok(n) = twelve.parse::<u64>() else {
                continue;
            };
            if self.taken_isbns.insert(n) {
                self.isbns_made += 1;
                return twelve;
            }
        }
        // 1000 collisions in a row cannot happen with fewer than 10¹² numbers
        // taken; fall back to a counter in a range no publisher uses.
        let mut n = 979_099_000_000u64;
        loop {
            let twelve = format!("{n}");
            let full = format!("{twelve}{}", ean_check(&twelve));
            if let Ok(v) = full.parse::<u64>()
                && self.taken_isbns.insert(v)
            {
                self.isbns_made += 1;
                return full;
            }
            n += 1;
        }
    }

    /// A new OCLC number, of a size drawn so that all three 035 prefixes
    /// (`ocm`, `ocn`, `on`) occur.
    pub(crate) fn oclc(&mut self, rng: &mut Rng) -> u64 {
        loop {
            let n = match rng.weighted(&[35, 45, 20]) {
                0 => rng.between(10_000, 99_999_999),
                1 => rng.between(100_000_000, 999_999_999),
                _ => rng.between(1_000_000_000, 1_399_999_999),
            };
            if self.taken_oclc.insert(n) {
                self.oclc_made += 1;
                return n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_bib::Isbn13;

    #[test]
    fn forms() {
        let isbn = "9780940787087";
        assert_eq!(write_isbn(isbn, IsbnForm::Ten, ""), "0940787083");
        assert_eq!(
            write_isbn(isbn, IsbnForm::Hyphenated13, ""),
            "978-0-940787-08-7"
        );
        assert_eq!(
            write_isbn(isbn, IsbnForm::Hyphenated10, ""),
            "0-940787-08-3"
        );
        assert_eq!(
            write_isbn("9791034302222", IsbnForm::Ten, ""),
            "9791034302222"
        );
        assert_eq!(hyphenate13("9781410412345").len(), 17);
        assert_eq!(oclc_prefixed(12345), "ocm00012345");
        assert_eq!(oclc_prefixed(123_456_789), "ocn123456789");
        assert_eq!(oclc_prefixed(1_234_567_890), "on1234567890");
    }

    #[test]
    fn every_form_reads_back_as_the_same_isbn() {
        let mut rng = Rng::new(3);
        let mut ids = IdAllocator::new(HashSet::new(), HashSet::new());
        for i in 0..500 {
            let prefix = ["978", "9780", "9781410", "979", "9798"][i % 5];
            let isbn = ids.isbn(&mut rng, prefix);
            assert!(isbn.starts_with(prefix));
            let parsed = Isbn13::parse(&isbn).map(|i| i.to_string());
            assert_eq!(parsed.as_deref(), Some(isbn.as_str()));
            for form in [
                IsbnForm::Thirteen,
                IsbnForm::Ten,
                IsbnForm::Hyphenated13,
                IsbnForm::Hyphenated10,
            ] {
                let written = write_isbn(&isbn, form, "");
                let back = Isbn13::parse(&written).map(|i| i.to_string());
                assert_eq!(back.as_deref(), Some(isbn.as_str()), "{written}");
            }
        }
        assert_eq!(ids.isbns_made, 500);
    }

    #[test]
    fn invented_numbers_avoid_real_ones() {
        let mut rng = Rng::new(1);
        let real: HashSet<u64> = (10_000..20_000).collect();
        let mut ids = IdAllocator::new(HashSet::new(), real.clone());
        let mut seen = HashSet::new();
        for _ in 0..2000 {
            let n = ids.oclc(&mut rng);
            assert!(!real.contains(&n));
            assert!(seen.insert(n));
        }
    }
}
