//! Serial coverage: a summary holdings statement as libraries write it
//! (`v.1-25 (1990-2014)`, `v. 1-4 (1941-1943), v. 6-86 (1945-1987)`,
//! `1990-`, `2009:no.1-2012:no.22,2013:no.1`) read into volume and year
//! ranges, best effort.
//!
//! The statement itself is always what is shown; the ranges only answer
//! "does this library hold volume 12, or 1998?". A statement read into no
//! range at all (`Box of duplicate issues`, `Current 5 years`) is *coverage
//! unknown*, never "not held".
//!
//! How a statement is read:
//! - **Years** are four-digit numbers from 1400 to 2100 anywhere (in
//!   parentheses or not; `2000/2001` is one span); two years with a dash
//!   (`-`, `thru`, `to`) between them make a range, a year whose dash is
//!   followed by nothing is open (`1990-`, `v.1 (1990)-`), and so is a year
//!   after `from`/`since`.
//! - **Volumes** are numbers after a volume caption (`v.`, `vol.`, `Bd.`,
//!   `Jahrg.`, `t.`, …), or without a caption when no other caption rules
//!   them (`1-86 (1941-1987)`, the `7-10` of `v.1-5, 7-10`). Numbers in
//!   parentheses, after a colon (`v.13:fasc.1-5`: fascicles of volume 13)
//!   or after an issue caption (`no.`, `Heft`, `pt.`) are not volumes.
//! - **Incomplete** when the statement or its note says so (`incomplete`,
//!   `lacks`, `missing`, `wanting`, `scattered`, `some issues`).

use serde::{Deserialize, Serialize};

/// A statement read into ranges.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Coverage {
    /// Volume ranges, first and last (None: open, to the present).
    pub volumes: Vec<(u32, Option<u32>)>,
    /// Year ranges, first and last (None: open, to the present).
    pub years: Vec<(u16, Option<u16>)>,
    /// The library says the run has gaps it does not list.
    pub incomplete: bool,
    /// Some statement merged in could not be read into ranges: what the
    /// ranges leave out may still be held.
    #[serde(default)]
    pub unread: bool,
}

/// Does a library's coverage include an issue?
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CoverageVerdict {
    /// Its ranges include it.
    Held,
    /// It cannot be told from the statement (unparsed, or it gives volumes
    /// where a year was asked, or the reverse).
    Unknown,
    /// Its ranges leave it out.
    NotHeld,
}

impl CoverageVerdict {
    /// The word used in the API (`held`, `unknown`, `not_held`).
    pub fn code(self) -> &'static str {
        match self {
            CoverageVerdict::Held => "held",
            CoverageVerdict::Unknown => "unknown",
            CoverageVerdict::NotHeld => "not_held",
        }
    }
}

fn contains<T: Ord + Copy>(ranges: &[(T, Option<T>)], v: T) -> Option<bool> {
    if ranges.is_empty() {
        return None;
    }
    Some(
        ranges
            .iter()
            .any(|&(a, b)| a <= v && b.is_none_or(|b| v <= b)),
    )
}

impl Coverage {
    /// True when the statement gave at least one range.
    pub fn is_known(&self) -> bool {
        !self.volumes.is_empty() || !self.years.is_empty()
    }

    /// Whether the coverage includes a year and/or a volume (both must be
    /// held when both are asked; none asked is `Held` when anything is).
    pub fn includes(&self, year: Option<u16>, volume: Option<u32>) -> CoverageVerdict {
        let y = year.map(|y| contains(&self.years, y));
        let v = volume.map(|v| contains(&self.volumes, v));
        let verdicts = [y, v];
        if verdicts.contains(&Some(Some(false))) {
            return if self.unread {
                CoverageVerdict::Unknown
            } else {
                CoverageVerdict::NotHeld
            };
        }
        if verdicts.contains(&Some(None)) || !self.is_known() {
            return CoverageVerdict::Unknown;
        }
        CoverageVerdict::Held
    }

    /// Merges another statement's ranges (a library's several statements).
    pub fn extend(&mut self, other: &Coverage) {
        self.volumes.extend(other.volumes.iter().copied());
        self.years.extend(other.years.iter().copied());
        self.incomplete |= other.incomplete;
        self.unread |= other.unread || !other.is_known();
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Caption {
    Volume,
    Issue,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token {
    /// A number that is not a year.
    Num(u32),
    /// A year, or a span of years (`2000/2001`).
    Year(u16, u16),
    Caption(Caption),
    Dash,
    Sep,
    Colon,
    Open,
    Close,
    /// `from`, `since`: an open range starts.
    From,
    /// Any other word (months, seasons, notes).
    Word,
}

const VOLUME_WORDS: &[&str] = &[
    "v", "vol", "vols", "volume", "volumes", "bd", "bde", "band", "jahrg", "jg", "t", "tome",
    "tomo", "tom", "anno", "annee", "année", "arg", "årg", "deel", "ser", "series",
];
const ISSUE_WORDS: &[&str] = &[
    "no",
    "nos",
    "n",
    "nr",
    "nro",
    "num",
    "number",
    "numbers",
    "heft",
    "hft",
    "h",
    "iss",
    "issue",
    "issues",
    "fasc",
    "pt",
    "pts",
    "part",
    "parts",
    "suppl",
    "supplement",
    "supplements",
    "index",
    "copy",
    "c",
    "cop",
];
const DASH_WORDS: &[&str] = &["thru", "through", "to", "bis"];
const SEP_WORDS: &[&str] = &["and", "plus", "und", "et"];
const FROM_WORDS: &[&str] = &["from", "since", "ab", "seit"];
const INCOMPLETE_WORDS: &[&str] = &[
    "incomplete",
    "lacks",
    "lacking",
    "missing",
    "wanting",
    "scattered",
    "some issues",
    "gaps",
    "imperfect",
    "incompl",
];

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let s: String = chars[start..i].iter().collect();
            let n = s.parse::<u64>().unwrap_or(u64::MAX);
            let year_like = s.len() == 4 && (1400..=2100).contains(&n);
            if year_like {
                // A span: 2000/2001, 1969/1978, 1999/00.
                let mut end = n as u16;
                if i + 1 < chars.len() && chars[i] == '/' && chars[i + 1].is_ascii_digit() {
                    let s2_start = i + 1;
                    let mut j = s2_start;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    let s2: String = chars[s2_start..j].iter().collect();
                    let m = s2.parse::<u64>().unwrap_or(0);
                    let second = match s2.len() {
                        4 if (1400..=2100).contains(&m) => Some(m as u16),
                        2 => {
                            let e = (n as u16 / 100) * 100 + m as u16;
                            Some(if e < n as u16 { e + 100 } else { e })
                        }
                        _ => None,
                    };
                    if let Some(e) = second.filter(|&e| e >= n as u16) {
                        end = e;
                        i = j;
                    }
                }
                out.push(Token::Year(n as u16, end));
            } else {
                out.push(Token::Num(n.min(u64::from(u32::MAX)) as u32));
            }
            continue;
        }
        if c.is_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
            let t = if VOLUME_WORDS.contains(&word.as_str()) {
                Token::Caption(Caption::Volume)
            } else if ISSUE_WORDS.contains(&word.as_str()) {
                Token::Caption(Caption::Issue)
            } else if DASH_WORDS.contains(&word.as_str()) {
                Token::Dash
            } else if SEP_WORDS.contains(&word.as_str()) {
                Token::Sep
            } else if FROM_WORDS.contains(&word.as_str()) {
                Token::From
            } else {
                Token::Word
            };
            // A word glued to a dash ("Index-Digest") is no range.
            if t == Token::Word
                && start > 0
                && chars[start - 1] == '-'
                && out.last() == Some(&Token::Dash)
            {
                out.pop();
            }
            out.push(t);
            continue;
        }
        match c {
            '-' | '–' | '—' => {
                if out.last() == Some(&Token::Word) {
                    // "Index-Digest": a hyphenated word.
                } else {
                    out.push(Token::Dash);
                }
            }
            ',' | ';' | '+' | '&' => out.push(Token::Sep),
            ':' => out.push(Token::Colon),
            '(' | '[' => out.push(Token::Open),
            ')' | ']' => out.push(Token::Close),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Drops `<…>` asides (`Heft 1-2 <v.568-569 in series>`: the series
/// numbering, not this title's).
fn without_asides(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Reads a statement (and its public note, which may say "incomplete").
pub fn parse(statement: &str, note: Option<&str>) -> Coverage {
    let lower = statement.to_lowercase();
    let note_lower = note.map(str::to_lowercase).unwrap_or_default();
    let incomplete = INCOMPLETE_WORDS
        .iter()
        .any(|w| lower.contains(w) || note_lower.contains(w));
    let toks = tokens(&without_asides(statement));
    let mut years = years(&toks);
    let mut seen = Vec::with_capacity(years.len());
    years.retain(|r| {
        let new = !seen.contains(r);
        seen.push(*r);
        new
    });
    Coverage {
        volumes: volumes(&toks),
        years,
        incomplete,
        unread: false,
    }
}

fn years(toks: &[Token]) -> Vec<(u16, Option<u16>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Token::Year(start, span_end) = toks[i] else {
            i += 1;
            continue;
        };
        let from = i > 0 && toks[i - 1] == Token::From;
        // Is there a dash before the next separator or year?
        let mut j = i + 1;
        let mut dash = None;
        while j < toks.len() {
            match toks[j] {
                Token::Dash => {
                    dash = Some(j);
                    break;
                }
                Token::Sep | Token::Year(..) => break,
                _ => j += 1,
            }
        }
        let Some(d) = dash else {
            out.push((start, if from { None } else { Some(span_end) }));
            i += 1;
            continue;
        };
        // The end: the first year after the dash, unless another dash comes
        // first; nothing at all after the dash leaves the range open.
        let mut k = d + 1;
        let mut end = None;
        let mut anything = false;
        while k < toks.len() {
            match toks[k] {
                Token::Year(_, e) => {
                    end = Some((k, e));
                    break;
                }
                Token::Dash => break,
                Token::Num(_) | Token::Caption(_) | Token::Word => {
                    anything = true;
                    k += 1;
                }
                _ => k += 1,
            }
        }
        match end {
            Some((k, e)) if e >= start => {
                out.push((start, Some(e)));
                i = k + 1;
            }
            Some(_) => {
                out.push((start, Some(span_end)));
                i += 1;
            }
            None if !anything => {
                out.push((start, None));
                i = d + 1;
            }
            // A dash to a volume with no year ("v.1 (1990)-v.5"): the end
            // year is not given; the start year alone is known.
            None => {
                out.push((start, Some(span_end)));
                i = d + 1;
            }
        }
    }
    out
}

fn volumes(toks: &[Token]) -> Vec<(u32, Option<u32>)> {
    let explicit_issue_only = toks.contains(&Token::Caption(Caption::Issue))
        && !toks.contains(&Token::Caption(Caption::Volume));
    // Numbers with no caption at all are volumes only in a statement of
    // numbers ("1-86 (1941-1987)"), not in words ("Current 5 years").
    let bare_are_volumes = !top_level_words(toks);
    let mut out: Vec<(u32, Option<u32>)> = Vec::new();
    // The caption ruling caption-less numbers at the top level.
    let mut context = if explicit_issue_only {
        Some(Caption::Issue)
    } else {
        None
    };
    let mut depth = 0usize;
    let mut sublevel = false;
    // The volume of the point being read, and whether the last number read
    // at the top level was that volume (so that a dash continues it).
    let mut point: Option<u32> = None;
    let mut last_was_volume = false;
    let mut pending_dash: Option<u32> = None;
    let mut caption: Option<Caption> = None;
    // A number after a word ("Dec. 15, 1956") is a day, not a volume.
    let mut after_word = false;
    let push = |out: &mut Vec<(u32, Option<u32>)>, r: (u32, Option<u32>)| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        i += 1;
        let follows_word = after_word;
        after_word = match t {
            Token::Word => true,
            Token::Sep => after_word,
            _ => false,
        };
        if depth > 0 {
            match t {
                Token::Open => depth += 1,
                Token::Close => depth -= 1,
                _ => {}
            }
            continue;
        }
        match t {
            Token::Open => depth += 1,
            Token::Close => {}
            Token::Caption(c) => {
                caption = Some(c);
                if c == Caption::Volume {
                    sublevel = false;
                }
                if !sublevel {
                    context = Some(c);
                }
            }
            Token::Colon => {
                sublevel = true;
                caption = None;
            }
            Token::Num(n) => {
                let is_volume = n > 0
                    && !follows_word
                    && !sublevel
                    && match caption {
                        Some(c) => c == Caption::Volume,
                        None => match context {
                            Some(c) => c == Caption::Volume,
                            None => bare_are_volumes,
                        },
                    };
                caption = None;
                if is_volume {
                    if let Some(start) = pending_dash.take() {
                        if let Some(last) = out.iter().position(|r| *r == (start, Some(start))) {
                            out.remove(last);
                        }
                        push(&mut out, (start.min(n), Some(start.max(n))));
                    } else {
                        push(&mut out, (n, Some(n)));
                    }
                    point = Some(n);
                    last_was_volume = true;
                } else {
                    // A caption-less number right after a dash that
                    // followed a sub-level number continues that level.
                    pending_dash = None;
                    last_was_volume = false;
                }
            }
            Token::Year(..) => {
                caption = None;
                last_was_volume = false;
            }
            Token::Dash => {
                pending_dash = None;
                if let Some(p) = point {
                    // v.1-5: a range of volumes; v.1:no.1-v.5:no.4 too, when
                    // the right side names its volume (handled by the
                    // caption resetting the sub-level).
                    if last_was_volume || next_is_volume_caption(toks, i) {
                        pending_dash = Some(p);
                        if at_end(toks, i) {
                            if let Some(last) = out.iter().position(|r| *r == (p, Some(p))) {
                                out.remove(last);
                            }
                            push(&mut out, (p, None));
                            pending_dash = None;
                        }
                    }
                }
                if !last_was_volume {
                    // The right side continues the sub-level unless a
                    // volume caption comes.
                    sublevel = sublevel && !next_is_volume_caption(toks, i);
                } else {
                    sublevel = false;
                }
            }
            Token::Sep => {
                sublevel = false;
                point = None;
                last_was_volume = false;
                pending_dash = None;
                caption = None;
            }
            Token::From | Token::Word => {
                caption = None;
            }
        }
    }
    out
}

fn next_is_volume_caption(toks: &[Token], i: usize) -> bool {
    toks.get(i) == Some(&Token::Caption(Caption::Volume))
}

fn at_end(toks: &[Token], i: usize) -> bool {
    toks[i..]
        .iter()
        .all(|t| matches!(t, Token::Sep | Token::Close))
}

fn top_level_words(toks: &[Token]) -> bool {
    let mut depth = 0usize;
    for t in toks {
        match t {
            Token::Open => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            Token::Word if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests;
