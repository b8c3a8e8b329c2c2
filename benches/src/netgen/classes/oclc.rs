//! The OCLC number written differently: a copy that does not follow its
//! library's habit (a record copied from WorldCat at another time, by
//! another cataloguer) writes the manifestation's number as
//! `(OCoLC)ocm10037096`, `(OCoLC)ocn010037096`, `(OCoLC)10037096` or in 001
//! with 003 `OCoLC`; or WorldCat has since merged the number into another
//! one, and the copy carries the other number in 035 and this one in 019.

use super::super::ids::oclc_prefixed;
use super::super::marcedit::{data, insert_in_order, set_control};
use super::super::style::OclcForm;
use crate::Rng;
use unicat_marc::Record;

/// How a copy writes its manifestation's OCLC number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OclcWriting {
    /// In its library's form.
    AsLibrary,
    /// In another form.
    Form(OclcForm),
    /// Another number (the one this was merged into) in the library's form,
    /// this one in 019.
    Merged,
    /// Not at all (a bare record).
    Omitted,
}

/// Share of the class's copies that carry a merged number.
const MERGED_SHARE: f64 = 0.25;

/// A writing of number `n` unlike the library's own.
pub(crate) fn choose(library: OclcForm, n: u64, rng: &mut Rng) -> OclcWriting {
    if rng.chance(MERGED_SHARE) {
        return OclcWriting::Merged;
    }
    let own = written(library, n);
    let others: Vec<OclcForm> = [
        OclcForm::Prefixed,
        OclcForm::Ocn,
        OclcForm::Bare,
        OclcForm::ControlNumber,
    ]
    .into_iter()
    .filter(|f| written(*f, n) != own)
    .collect();
    rng.pick(&others)
        .map_or(OclcWriting::Merged, |f| OclcWriting::Form(*f))
}

/// What `form` writes for number `n`: the 035 `$a`, or the 001.
pub(crate) fn written(form: OclcForm, n: u64) -> Option<String> {
    match form {
        OclcForm::Prefixed => Some(format!("(OCoLC){}", oclc_prefixed(n))),
        OclcForm::Ocn if n < 1_000_000_000 => Some(format!("(OCoLC)ocn{n:09}")),
        OclcForm::Ocn => Some(format!("(OCoLC){}", oclc_prefixed(n))),
        OclcForm::Bare => Some(format!("(OCoLC){n}")),
        OclcForm::ControlNumber => Some(oclc_prefixed(n)),
        OclcForm::Dropped => None,
    }
}

/// Writes number `n` into a copy of a library whose form is `library`, as
/// `writing` says; `current` is the number `n` was merged into (used by
/// [`OclcWriting::Merged`]). Returns the record id when the number became
/// the 001 (then 003 is `OCoLC`); otherwise the caller writes the 001.
pub(crate) fn write(
    record: &mut Record,
    library: OclcForm,
    writing: OclcWriting,
    n: u64,
    current: u64,
) -> Option<String> {
    match writing {
        OclcWriting::AsLibrary => write_form(record, library, n),
        OclcWriting::Form(form) => write_form(record, form, n),
        OclcWriting::Merged => {
            let form = match library {
                OclcForm::Dropped => OclcForm::Prefixed,
                other => other,
            };
            insert_in_order(record, data("019", ' ', ' ', &[('a', &n.to_string())]));
            write_form(record, form, current)
        }
        OclcWriting::Omitted => None,
    }
}

fn write_form(record: &mut Record, form: OclcForm, n: u64) -> Option<String> {
    let text = written(form, n)?;
    if form == OclcForm::ControlNumber {
        set_control(record, "001", text.clone());
        set_control(record, "003", "OCoLC");
        return Some(text);
    }
    insert_in_order(record, data("035", ' ', ' ', &[('a', &text)]));
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicat_bib::BibRecord;

    #[test]
    fn forms_of_one_number() {
        let n = 10_037_096;
        assert_eq!(
            written(OclcForm::Prefixed, n).as_deref(),
            Some("(OCoLC)ocm10037096")
        );
        assert_eq!(
            written(OclcForm::Ocn, n).as_deref(),
            Some("(OCoLC)ocn010037096")
        );
        assert_eq!(
            written(OclcForm::Bare, n).as_deref(),
            Some("(OCoLC)10037096")
        );
        assert_eq!(
            written(OclcForm::ControlNumber, n).as_deref(),
            Some("ocm10037096")
        );
        assert_eq!(written(OclcForm::Dropped, n), None);
        // Nine digits and more: ocn is the usual prefix, so not another form.
        assert_eq!(
            written(OclcForm::Ocn, 123_456_789),
            written(OclcForm::Prefixed, 123_456_789)
        );
    }

    #[test]
    fn another_form_is_never_the_library_own() {
        let mut rng = Rng::new(5);
        for library in [
            OclcForm::Prefixed,
            OclcForm::Bare,
            OclcForm::ControlNumber,
            OclcForm::Dropped,
        ] {
            for n in [12_345, 123_456_789, 1_234_567_890] {
                for _ in 0..50 {
                    if let OclcWriting::Form(f) = choose(library, n, &mut rng) {
                        assert_ne!(written(f, n), written(library, n), "{library:?} {n}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_merged_number_goes_to_019_beside_the_current_one() {
        let mut r = Record::new();
        r.fields
            .push(data("245", '0', '0', &[('a', "The age of innocence.")]));
        let id = write(
            &mut r,
            OclcForm::Bare,
            OclcWriting::Merged,
            10_037_096,
            987_654_321,
        );
        assert_eq!(id, None);
        let tags: Vec<String> = r.fields.iter().map(|f| f.tag().to_string()).collect();
        assert_eq!(tags, ["019", "035", "245"]);
        assert_eq!(
            r.data_field("019").and_then(|f| f.first('a')),
            Some("10037096")
        );
        let bib = BibRecord::from_marc(&r);
        assert_eq!(
            bib.oclc_numbers
                .iter()
                .map(|n| n.value())
                .collect::<Vec<_>>(),
            [987_654_321]
        );
        // A library that keeps WorldCat's control number: 001 and 003.
        let mut r = Record::new();
        let id = write(
            &mut r,
            OclcForm::Prefixed,
            OclcWriting::Form(OclcForm::ControlNumber),
            10_037_096,
            0,
        );
        assert_eq!(id.as_deref(), Some("ocm10037096"));
        assert_eq!(r.control("003"), Some("OCoLC"));
    }
}
