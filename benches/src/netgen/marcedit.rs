//! Small edits on a MARC record that the generator needs: building fields,
//! inserting them in tag order, replacing control fields, writing fixed-field
//! positions, and re-punctuating a field after its subfields changed
//! (ISBD punctuation kept or stripped).

use unicat_bib::fold::trim_isbd;
use unicat_marc::{DataField, Field, Indicators, Record, Subfield, Tag};

/// A tag written in this crate's source (always three ASCII alphanumerics).
pub(crate) fn tag(text: &str) -> Tag {
    Tag::parse(text).expect("tags written in the generator are valid")
}

/// A data field from `(code, value)` pairs.
pub(crate) fn data(tag_text: &str, first: char, second: char, subfields: &[(char, &str)]) -> Field {
    Field::Data(DataField {
        tag: tag(tag_text),
        indicators: Indicators::new(first, second),
        subfields: subfields
            .iter()
            .map(|(code, value)| Subfield::new(*code, *value))
            .collect(),
    })
}

/// Inserts a field before the first field whose tag sorts after it (tags
/// compare as text, so `AVA` goes after `999`).
pub(crate) fn insert_in_order(record: &mut Record, field: Field) {
    let t = field.tag();
    let at = record
        .fields
        .iter()
        .position(|f| f.tag().as_str() > t.as_str())
        .unwrap_or(record.fields.len());
    record.fields.insert(at, field);
}

/// Replaces the first control field with this tag, or inserts one in order.
pub(crate) fn set_control(record: &mut Record, tag_text: &str, value: impl Into<String>) {
    let value = value.into();
    if let Some(Field::Control { value: old, .. }) =
        record.fields.iter_mut().find(|f| f.tag() == tag_text)
    {
        *old = value;
        return;
    }
    insert_in_order(
        record,
        Field::Control {
            tag: tag(tag_text),
            value,
        },
    );
}

/// Removes every field with one of these tags.
pub(crate) fn remove_tags(record: &mut Record, tags: &[&str]) {
    record
        .fields
        .retain(|f| !tags.iter().any(|t| f.tag() == *t));
}

/// The tag an 880 (alternate graphic representation) field is linked to,
/// from its `$6` (`245-01/(3/r` → `245`).
pub(crate) fn linked_tag(field: &DataField) -> Option<&str> {
    field.first('6').and_then(|v| v.get(..3))
}

/// Removes the data fields matching `pred`, and the 880s linked to a tag
/// they had, so that no alternate-script field is left orphaned.
pub(crate) fn remove_data_fields(record: &mut Record, pred: impl Fn(&DataField) -> bool) {
    let mut gone: Vec<Tag> = Vec::new();
    record.fields.retain(|f| match f {
        Field::Data(d) if d.tag != "880" && pred(d) => {
            if !gone.contains(&d.tag) {
                gone.push(d.tag);
            }
            false
        }
        _ => true,
    });
    if gone.is_empty() {
        return;
    }
    record.fields.retain(|f| match f {
        Field::Data(d) if d.tag == "880" => {
            !linked_tag(d).is_some_and(|t| gone.iter().any(|g| g.as_str() == t))
        }
        _ => true,
    });
}

/// The data fields of a record, mutably, with this tag.
pub(crate) fn data_fields_mut<'a>(
    record: &'a mut Record,
    tag_text: &'a str,
) -> impl Iterator<Item = &'a mut DataField> + 'a {
    record.fields.iter_mut().filter_map(move |f| match f {
        Field::Data(d) if d.tag == tag_text => Some(d),
        _ => None,
    })
}

/// `value` with `text` written at character position `pos`, padded with
/// blanks to at least `min_len` characters (fixed fields are ASCII, but a
/// broken one must not make us panic).
pub(crate) fn set_fixed(value: &str, pos: usize, text: &str, min_len: usize) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    let end = (pos + text.chars().count()).max(min_len);
    if chars.len() < end {
        chars.resize(end, ' ');
    }
    for (i, c) in text.chars().enumerate() {
        chars[pos + i] = c;
    }
    chars.into_iter().collect()
}

/// Rewrites one position range of the 008 (creating a blank 008 when the
/// record has none).
pub(crate) fn set_008(record: &mut Record, pos: usize, text: &str) {
    let old = record.control("008").unwrap_or("").to_string();
    set_control(record, "008", set_fixed(&old, pos, text, 40));
}

/// Which punctuation ends a subfield, given the code of the next one.
pub(crate) type PunctuationRule = fn(this: char, next: Option<char>) -> &'static str;

/// Title statement (245): ` :` before the remainder, ` /` before the
/// statement of responsibility, `.` before a part (`,` between a part's
/// number and its name).
pub(crate) fn punct_245(this: char, next: Option<char>) -> &'static str {
    match next {
        Some('p') if this == 'n' => ",",
        Some('b') => " :",
        Some('c') => " /",
        Some('n' | 'p') => ".",
        Some(_) => "",
        None => ".",
    }
}

/// Personal and corporate names (100, 700, …).
pub(crate) fn punct_name(_this: char, next: Option<char>) -> &'static str {
    match next {
        Some('d' | 'e' | 'c' | 'j' | 'b') => ",",
        Some('t') => ".",
        Some(_) => "",
        None => ".",
    }
}

/// Imprint (260, 264): place ` :` publisher `,` date `.`.
pub(crate) fn punct_imprint(this: char, next: Option<char>) -> &'static str {
    match (this, next) {
        (_, Some('b')) => " :",
        (_, Some('a')) => " ;",
        (_, Some('c')) => ",",
        (_, Some(_)) => "",
        (_, None) => ".",
    }
}

/// Physical description (300): extent ` :` other details ` ;` dimensions.
pub(crate) fn punct_300(_this: char, next: Option<char>) -> &'static str {
    match next {
        Some('b') => " :",
        Some('c') => " ;",
        Some('e') => " +",
        Some(_) => "",
        None => "",
    }
}

/// Edition statement (250).
pub(crate) fn punct_250(_this: char, next: Option<char>) -> &'static str {
    match next {
        Some('b') => " /",
        Some(_) => "",
        None => ".",
    }
}

/// Series statement (490): title ` ;` numbering.
pub(crate) fn punct_490(_this: char, next: Option<char>) -> &'static str {
    match next {
        Some('v') => " ;",
        Some(_) => "",
        None => "",
    }
}

/// Trims ISBD punctuation from every text subfield, then, when `isbd` is
/// set, writes it again by `rule`. Control subfields (`$6`, `$8`, digits)
/// are left alone and do not count as "the next subfield".
pub(crate) fn repunctuate(field: &mut DataField, isbd: bool, rule: PunctuationRule) {
    let codes: Vec<char> = field.subfields.iter().map(|s| s.code).collect();
    for (i, sub) in field.subfields.iter_mut().enumerate() {
        if !sub.code.is_ascii_alphabetic() {
            continue;
        }
        let next = codes[i + 1..]
            .iter()
            .copied()
            .find(char::is_ascii_alphabetic);
        let mut text = trim_isbd(&sub.value).to_string();
        if isbd {
            let punct = rule(sub.code, next);
            // A closing period is not doubled after one already there.
            let already_closed = punct == "." && text.ends_with(['.', '?', '!', '-', ']', ')']);
            if !text.is_empty() && !already_closed {
                text.push_str(punct);
            }
        }
        sub.value = text;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_positions_pad_and_replace() {
        assert_eq!(set_fixed("abc", 5, "xy", 0), "abc  xy");
        assert_eq!(set_fixed("abcdef", 1, "Z", 0), "aZcdef");
        assert_eq!(set_fixed("", 0, "", 4), "    ");
    }

    #[test]
    fn titles_are_repunctuated() {
        let Field::Data(mut f) = data(
            "245",
            '1',
            '4',
            &[
                ('a', "The age of innocence :"),
                ('b', "a novel /"),
                ('c', "Edith Wharton."),
            ],
        ) else {
            unreachable!()
        };
        repunctuate(&mut f, false, punct_245);
        let values: Vec<&str> = f.subfields.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(values, ["The age of innocence", "a novel", "Edith Wharton"]);
        f.subfields.remove(1);
        repunctuate(&mut f, true, punct_245);
        let values: Vec<&str> = f.subfields.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(values, ["The age of innocence /", "Edith Wharton."]);
    }

    #[test]
    fn fields_go_in_tag_order() {
        let mut r = Record::new();
        r.push_control(tag("001"), "x");
        r.fields.push(data("245", '0', '0', &[('a', "T")]));
        r.fields.push(data("AVA", ' ', ' ', &[('b', "L")]));
        insert_in_order(&mut r, data("020", ' ', ' ', &[('a', "1")]));
        insert_in_order(&mut r, data("952", ' ', ' ', &[('a', "B")]));
        let tags: Vec<String> = r.fields.iter().map(|f| f.tag().to_string()).collect();
        assert_eq!(tags, ["001", "020", "245", "952", "AVA"]);
        set_control(&mut r, "003", "XX");
        set_control(&mut r, "001", "y");
        assert_eq!(r.control("001"), Some("y"));
        assert_eq!(r.fields[1].tag(), "003");
    }
}
