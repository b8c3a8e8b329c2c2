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
