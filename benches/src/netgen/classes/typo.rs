//! Typing slips in the title proper, as a cataloguer makes them: a letter
//! dropped (`Dixiland`), doubled (`Seperrate`), two letters transposed (`A
//! separate awlking`), a letter typed after the space instead of before it
//! (`Dis cjockey jump`), a space left out (`Theage of innocence`). Only
//! titles long enough to forgive a slip get one ([`MIN_LETTERS`]), long
//! ones sometimes two; the first letter of the title is never touched.

use super::super::marcedit::data_fields_mut;
use crate::Rng;
use unicat_bib::fold::trim_isbd;
use unicat_marc::Record;

/// Letters a title proper needs for one slip.
pub(crate) const MIN_LETTERS: usize = 10;
/// Letters a title proper needs for a second slip.
pub(crate) const MIN_LETTERS_TWO: usize = 25;

/// A kind of slip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slip {
    /// A letter left out.
    Dropped,
    /// A letter typed twice.
    Doubled,
    /// Two neighbouring letters, or a letter and the space after it, swapped.
    Transposed,
    /// The space between two words left out.
    MissingSpace,
}

const SLIPS: [Slip; 4] = [
    Slip::Dropped,
    Slip::Doubled,
    Slip::Transposed,
    Slip::MissingSpace,
];

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

fn title_proper(record: &Record) -> Option<&str> {
    record.data_field("245").and_then(|f| f.first('a'))
}

/// Whether the title proper is long enough for a slip.
pub(crate) fn slippable(record: &Record) -> bool {
    title_proper(record).is_some_and(|a| letters(trim_isbd(a)) >= MIN_LETTERS)
}

/// The positions (in chars) where `slip` can happen in `chars`.
fn places(chars: &[char], slip: Slip) -> Vec<usize> {
    let letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    // Letters in the word around position i.
    let word_len = |i: usize| {
        let start = (0..=i).rev().take_while(|&j| letter(j)).count();
        let end = (i..chars.len()).take_while(|&j| letter(j)).count();
        start + end - 1
    };
    (1..chars.len())
        .filter(|&i| match slip {
            Slip::Dropped => letter(i) && word_len(i) >= 4,
            Slip::Doubled => letter(i) && word_len(i) >= 3,
            Slip::Transposed => {
                let two_letters =
                    letter(i) && letter(i + 1) && chars[i] != chars[i + 1] && word_len(i) >= 4;
                let letter_space = letter(i) && chars.get(i + 1) == Some(&' ') && letter(i + 2);
                two_letters || letter_space
            }
            Slip::MissingSpace => chars[i] == ' ' && letter(i - 1) && letter(i + 1),
        })
        .collect()
}

/// `text` with `slip` at char position `at` (one of [`places`]).
fn slip_at(chars: &mut Vec<char>, slip: Slip, at: usize) {
    match slip {
        Slip::Dropped | Slip::MissingSpace => {
            chars.remove(at);
        }
        Slip::Doubled => chars.insert(at, chars[at]),
        Slip::Transposed => chars.swap(at, at + 1),
    }
}

/// One slip drawn in `text` (ISBD punctuation at its end left alone), or
/// None when no slip fits.
pub(crate) fn slip(text: &str, rng: &mut Rng) -> Option<String> {
    let core = trim_isbd(text);
    // `core` is a slice of `text`.
    let start = core.as_ptr() as usize - text.as_ptr() as usize;
    let mut chars: Vec<char> = core.chars().collect();
    let kinds: Vec<(Slip, Vec<usize>)> = SLIPS
        .iter()
        .map(|&s| (s, places(&chars, s)))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let (kind, at) = rng.pick(&kinds)?;
    let at = *rng.pick(at)?;
    slip_at(&mut chars, *kind, at);
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(&text[..start]);
    out.extend(chars);
    out.push_str(&text[start + core.len()..]);
    Some(out)
}

/// Makes one slip in 245 `$a`, or two in a long title (a third of the
/// time); returns how many (0 when the title is too short).
pub(crate) fn apply(record: &mut Record, rng: &mut Rng) -> usize {
    let Some(a) = data_fields_mut(record, "245")
        .next()
        .and_then(|f| f.subfields.iter_mut().find(|s| s.code == 'a'))
    else {
        return 0;
    };
    let n = letters(trim_isbd(&a.value));
    if n < MIN_LETTERS {
        return 0;
    }
    let wanted = if n >= MIN_LETTERS_TWO && rng.chance(1.0 / 3.0) {
        2
    } else {
        1
    };
    let before = a.value.clone();
    let mut made = 0;
    for _ in 0..wanted {
        // A second slip that undoes the first (a letter doubled, then
        // dropped) is drawn again.
        for _attempt in 0..4 {
            if let Some(slipped) = slip(&a.value, rng)
                && slipped != before
            {
                a.value = slipped;
                made += 1;
                break;
            }
        }
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netgen::marcedit::data;

    fn one(text: &str, slip: Slip, at: usize) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        assert!(places(&chars, slip).contains(&at), "{slip:?} at {at}");
        slip_at(&mut chars, slip, at);
        chars.into_iter().collect()
    }

    #[test]
    fn the_slips_of_real_catalogues() {
        assert_eq!(one("Dixieland", Slip::Dropped, 4), "Dixiland");
        assert_eq!(
            one("Disc jockey jump", Slip::Transposed, 3),
            "Dis cjockey jump"
        );
        assert_eq!(
            one("A separate walking", Slip::Transposed, 11),
            "A separate awlking"
        );
        assert_eq!(one("Separate", Slip::Doubled, 2), "Sepparate");
        assert_eq!(one("The age", Slip::MissingSpace, 3), "Theage");
    }

    #[test]
    fn short_words_and_the_first_letter_are_left_alone() {
        let chars: Vec<char> = "An ox in it".chars().collect();
        assert!(places(&chars, Slip::Dropped).is_empty());
        assert!(places(&chars, Slip::Doubled).is_empty());
        assert!(!places(&"Walking".chars().collect::<Vec<_>>(), Slip::Dropped).contains(&0));
    }

    #[test]
    fn only_long_titles_slip_and_punctuation_stays() {
        let mut short = Record::new();
        short.fields.push(data("245", '1', '0', &[('a', "Emma /")]));
        assert!(!slippable(&short));
        assert_eq!(apply(&mut short, &mut Rng::new(1)), 0);
        for seed in 0..200 {
            let mut r = Record::new();
            r.fields.push(data(
                "245",
                '1',
                '4',
                &[('a', "The age of innocence :"), ('b', "a novel.")],
            ));
            assert!(slippable(&r));
            let mut rng = Rng::new(seed);
            assert_eq!(apply(&mut r, &mut rng), 1, "a short title gets one slip");
            let a = r.data_field("245").and_then(|f| f.first('a')).unwrap_or("");
            assert!(a.ends_with(" :") && a.starts_with('T'), "{a}");
            assert_ne!(a, "The age of innocence :");
            // One slip changes the length by at most one.
            assert!(a.chars().count().abs_diff(22) <= 1, "{a}");
        }
    }

    #[test]
    fn long_titles_sometimes_get_two() {
        let title = "A history of the county of Middlesex and its parishes";
        let mut counts = [0; 3];
        for seed in 0..300 {
            let mut r = Record::new();
            r.fields.push(data("245", '1', '2', &[('a', title)]));
            counts[apply(&mut r, &mut Rng::new(seed))] += 1;
            let a = r.data_field("245").and_then(|f| f.first('a')).unwrap_or("");
            assert_ne!(a, title);
        }
        assert_eq!(counts[0], 0);
        assert!((60..140).contains(&counts[2]), "{counts:?}");
    }
}
