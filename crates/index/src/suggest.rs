//! "Did you mean …?": corrections of a word from the index's own terms.
//!
//! A word is looked up in the term dictionaries (tantivy's FST) of the
//! title and author fields with a Levenshtein automaton; the closest term
//! wins, the most frequent among equally close ones. Nothing is kept beside
//! the index: the suggestions are always those of the documents searched.

use crate::query::{first_letter, fuzzy_distance};
use crate::schema::Fields;
use crate::{CatalogIndex, IndexError};
use std::collections::HashMap;
use tantivy::Term;
use tantivy::query::FuzzyTermQuery;

/// A correction of one word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// The word as the index has it (folded).
    pub word: String,
    /// Edits from the word asked.
    pub distance: u32,
    /// Documents with it in a title or an author's name.
    pub documents: u64,
}

/// Edits (insertions, deletions, substitutions, adjacent transpositions)
/// between two words.
pub(crate) fn edit_distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0u32; b.len() + 1];
    let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
    let mut cur = vec![0u32; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i as u32;
        for j in 1..=b.len() {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

impl CatalogIndex {
    /// Documents with the (analysed) word in any keyword field, counted per
    /// field and summed: 0 means the index has never seen the word.
    pub fn word_frequency(&self, word: &str) -> Result<u64, IndexError> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut n = 0;
        for field in text_fields(f) {
            n += searcher.doc_freq(&Term::from_field_text(field, word))?;
        }
        Ok(n)
    }

    /// The likeliest correction of an (analysed) word among the index's
    /// title and author words with its first letter: within one edit for
    /// words of 4–7 letters, two for 8 and more; the closest, then the most
    /// frequent; at most `max_distance` edits away. `None` when no other
    /// word is that close.
    pub fn closest_word(
        &self,
        word: &str,
        max_distance: u8,
    ) -> Result<Option<Correction>, IndexError> {
        let distance = match fuzzy_distance(word) {
            0 if word.chars().count() == 4 && !word.bytes().any(|b| b.is_ascii_digit()) => 1,
            d => d,
        }
        .min(max_distance);
        if distance == 0 {
            return Ok(None);
        }
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let mut found: HashMap<Vec<u8>, u64> = HashMap::new();
        // The automaton reads the word's text only: one serves both fields.
        let automaton = FuzzyTermQuery::new(Term::from_field_text(f.title, word), distance, true)
            .automaton()?;
        // Words with the same first letter only (as the search's close
        // spellings): the dictionary is walked under that letter.
        let first = first_letter(word);
        let mut after = first.to_vec();
        if let Some(last) = after.last_mut() {
            *last += 1;
        }
        for field in [f.title, f.author] {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .search(&automaton)
                    .ge(first)
                    .lt(&after)
                    .into_stream()
                    .map_err(|e| IndexError::Corrupt(e.to_string()))?;
                while stream.advance() {
                    *found.entry(stream.key().to_vec()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        Ok(found
            .into_iter()
            .filter_map(|(bytes, documents)| {
                let w = String::from_utf8(bytes).ok()?;
                let distance = edit_distance(word, &w);
                (distance > 0).then_some(Correction {
                    word: w,
                    distance,
                    documents,
                })
            })
            .min_by(|a, b| {
                (a.distance, std::cmp::Reverse(a.documents), &a.word).cmp(&(
                    b.distance,
                    std::cmp::Reverse(b.documents),
                    &b.word,
                ))
            }))
    }
}

fn text_fields(f: &Fields) -> [tantivy::schema::Field; 5] {
    [f.title, f.author, f.subject, f.publisher, f.notes]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edits_count_as_a_typist_slips() {
        assert_eq!(edit_distance("programing", "programming"), 1);
        assert_eq!(edit_distance("hobibt", "hobbit"), 1);
        assert_eq!(edit_distance("perl", "perl"), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
