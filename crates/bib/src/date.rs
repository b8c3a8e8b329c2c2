//! Publication years from 260/264 $c and 008/07-10.

/// The first plausible four-digit year (1000–2199) in a date statement:
/// `c2003.` → 2003, `[2003]` → 2003, `2003, c1998` → 2003, `MCMXCV` → None,
/// `[197-?]` → None (a decade is not a year).
pub fn year_in(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let y: u16 = text[start..i].parse().ok()?;
                if (1000..2200).contains(&y) {
                    return Some(y);
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Every plausible four-digit year in a date statement, in order:
/// `1979, c1978.` → 1979, 1978.
pub fn years_in(text: &str) -> impl Iterator<Item = u16> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(|c: char| c.is_ascii_digit())?;
            let tail = &rest[start..];
            let len = tail
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            rest = &tail[len..];
            if len == 4
                && let Ok(y) = tail[..4].parse::<u16>()
                && (1000..2200).contains(&y)
            {
                return Some(y);
            }
        }
    })
}

/// The copyright year in 008/11-14 (Date 2) when the date type (008/06)
/// is `t` (publication and copyright dates).
pub fn copyright_year_from_008(f008: &str) -> Option<u16> {
    let b = f008.as_bytes();
    if b.len() < 15 || b[6] != b't' {
        return None;
    }
    let d = f008.get(11..15)?;
    if !d.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let y: u16 = d.parse().ok()?;
    (y != 9999 && (1000..2200).contains(&y)).then_some(y)
}

/// The year in 008/07-10 (Date 1) when it is four digits, not `9999`, and
/// the date type (008/06) does not say "no date" (`n`) — `uuuu`, `19uu` and
/// blanks give None.
pub fn year_from_008(f008: &str) -> Option<u16> {
    let b = f008.as_bytes();
    if b.len() < 11 || b[6] == b'n' {
        return None;
    }
    let d = &f008[7..11];
    if !d.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let y: u16 = d.parse().ok()?;
    (y != 9999 && (1000..2200).contains(&y)).then_some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_statements() {
        assert_eq!(year_in("c2003."), Some(2003));
        assert_eq!(year_in("[2003]"), Some(2003));
        assert_eq!(year_in("2003, c1998."), Some(2003));
        assert_eq!(year_in("[ca. 1850?]"), Some(1850));
        assert_eq!(year_in("[197-?]"), None);
        assert_eq!(year_in("n.d."), None);
        assert_eq!(year_in("12345"), None);
        assert_eq!(year_in("℗2010"), Some(2010));
    }

    #[test]
    fn every_year_of_a_statement() {
        assert_eq!(
            years_in("1979, c1978.").collect::<Vec<_>>(),
            vec![1979, 1978]
        );
        assert_eq!(years_in("[1979]").collect::<Vec<_>>(), vec![1979]);
        assert_eq!(years_in("12345 n.d.").count(), 0);
        assert_eq!(copyright_year_from_008("830506t19831982nyu"), Some(1982));
        assert_eq!(copyright_year_from_008("830506s19831982nyu"), None);
    }

    #[test]
    fn fixed_field_dates() {
        assert_eq!(
            year_from_008("830506s1983    nyu           000 1 eng  "),
            Some(1983)
        );
        assert_eq!(year_from_008("830506s19uu    nyu"), None);
        assert_eq!(year_from_008("830506s9999    nyu"), None);
        assert_eq!(year_from_008("830506n1983    nyu"), None);
        assert_eq!(year_from_008("short"), None);
    }
}
