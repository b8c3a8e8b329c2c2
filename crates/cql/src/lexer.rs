//! Tokeniser. Mirrors the YAZ lexer (`src/cql.y`, `yylex`) except where the
//! crate docs list a deliberate difference.

use crate::error::CqlError;

/// A punctuation token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sym {
    LParen,
    RParen,
    Slash,
    /// `=`
    Eq,
    /// `==`
    EqEq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
}

impl Sym {
    /// The symbol as written.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Sym::LParen => "(",
            Sym::RParen => ")",
            Sym::Slash => "/",
            Sym::Eq => "=",
            Sym::EqEq => "==",
            Sym::Ne => "<>",
            Sym::Lt => "<",
            Sym::Gt => ">",
            Sym::Le => "<=",
            Sym::Ge => ">=",
        }
    }

    /// Whether the symbol is a comparison (`relation_symbol` in YAZ's grammar).
    pub(crate) fn is_comparison(self) -> bool {
        !matches!(self, Sym::LParen | Sym::RParen | Sym::Slash)
    }
}

/// How a word token may be used by the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordKind {
    /// An ordinary (or quoted) string: YAZ's `SIMPLE_STRING`.
    Simple,
    /// A word that may be a relation name: it contains a `.` or is one of
    /// the named relations. YAZ's `PREFIX_NAME`.
    PrefixName,
    And,
    Or,
    Not,
    Prox,
    Sortby,
}

/// A token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    Sym(Sym),
    /// A word; `text` is the raw text (quotes removed, backslash escapes
    /// kept), or the lower-case keyword for `and`, `or`, `not`, `prox`,
    /// `sortby`.
    Word {
        kind: WordKind,
        text: &'a str,
    },
    Eof,
}

/// A token and the byte offset where it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token<'a> {
    pub(crate) tok: Tok<'a>,
    pub(crate) pos: usize,
}

/// Relation names that are recognised without a context-set prefix. YAZ
/// knows `all`, `any` and `adj`; `within` and `encloses` are the other CQL
/// 1.2 named relations.
pub(crate) const NAMED_RELATIONS: [&str; 5] = ["all", "any", "adj", "within", "encloses"];

/// Characters that end an unquoted word (besides whitespace).
pub(crate) fn is_delimiter(c: char) -> bool {
    matches!(c, '(' | ')' | '=' | '<' | '>' | '/' | '"')
}

/// The keyword a bare word spells, if any (case-insensitive).
pub(crate) fn keyword(word: &str) -> Option<(WordKind, &'static str)> {
    const KEYWORDS: [(&str, WordKind); 5] = [
        ("and", WordKind::And),
        ("or", WordKind::Or),
        ("not", WordKind::Not),
        ("prox", WordKind::Prox),
        ("sortby", WordKind::Sortby),
    ];
    KEYWORDS
        .iter()
        .find(|(k, _)| word.eq_ignore_ascii_case(k))
        .map(|&(k, kind)| (kind, k))
}

/// Whether a bare word could be a relation name (YAZ's `PREFIX_NAME`).
pub(crate) fn is_relation_like(word: &str) -> bool {
    word.contains('.') || NAMED_RELATIONS.iter().any(|r| word.eq_ignore_ascii_case(r))
}

/// Splits `input` into tokens, ending with [`Tok::Eof`].
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token<'_>>, CqlError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(pos, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        chars.next();
        let next_is = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, want: char| {
            chars.next_if(|&(_, n)| n == want).is_some()
        };
        let tok = match c {
            '(' => Tok::Sym(Sym::LParen),
            ')' => Tok::Sym(Sym::RParen),
            '/' => Tok::Sym(Sym::Slash),
            '=' if next_is(&mut chars, '=') => Tok::Sym(Sym::EqEq),
            '=' => Tok::Sym(Sym::Eq),
            '>' if next_is(&mut chars, '=') => Tok::Sym(Sym::Ge),
            '>' => Tok::Sym(Sym::Gt),
            '<' if next_is(&mut chars, '=') => Tok::Sym(Sym::Le),
            '<' if next_is(&mut chars, '>') => Tok::Sym(Sym::Ne),
            '<' => Tok::Sym(Sym::Lt),
            '"' => {
                let start = pos + 1;
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => {
                            // The escaped character is kept, whatever it is.
                            chars.next();
                        }
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    return Err(CqlError::syntax(pos, "unterminated quoted string"));
                };
                Tok::Word {
                    kind: WordKind::Simple,
                    text: &input[start..end],
                }
            }
            _ => {
                let mut end = pos + c.len_utf8();
                let mut escaped = c == '\\';
                loop {
                    if escaped {
                        let Some((i, e)) = chars.next() else {
                            return Err(CqlError::syntax(
                                end - 1,
                                "backslash at the end of the query escapes nothing",
                            ));
                        };
                        end = i + e.len_utf8();
                        escaped = false;
                        continue;
                    }
                    match chars.peek() {
                        Some(&(i, n)) if !n.is_whitespace() && !is_delimiter(n) => {
                            chars.next();
                            end = i + n.len_utf8();
                            escaped = n == '\\';
                        }
                        _ => break,
                    }
                }
                let text = &input[pos..end];
                match keyword(text) {
                    Some((kind, canonical)) => Tok::Word {
                        kind,
                        text: canonical,
                    },
                    None if is_relation_like(text) => Tok::Word {
                        kind: WordKind::PrefixName,
                        text,
                    },
                    None => Tok::Word {
                        kind: WordKind::Simple,
                        text,
                    },
                }
            }
        };
        tokens.push(Token { tok, pos });
    }
    tokens.push(Token {
        tok: Tok::Eof,
        pos: input.len(),
    });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(input: &str) -> Vec<Tok<'_>> {
        tokenize(input)
            .expect("tokenizes")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn symbols_and_words() {
        assert_eq!(
            toks("a<=b <> == >= ( ) /"),
            vec![
                Tok::Word {
                    kind: WordKind::Simple,
                    text: "a"
                },
                Tok::Sym(Sym::Le),
                Tok::Word {
                    kind: WordKind::Simple,
                    text: "b"
                },
                Tok::Sym(Sym::Ne),
                Tok::Sym(Sym::EqEq),
                Tok::Sym(Sym::Ge),
                Tok::Sym(Sym::LParen),
                Tok::Sym(Sym::RParen),
                Tok::Sym(Sym::Slash),
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn keywords_are_case_insensitive_and_canonical() {
        assert_eq!(
            toks("AND Prox sortBy ANY dc.x"),
            vec![
                Tok::Word {
                    kind: WordKind::And,
                    text: "and"
                },
                Tok::Word {
                    kind: WordKind::Prox,
                    text: "prox"
                },
                Tok::Word {
                    kind: WordKind::Sortby,
                    text: "sortby"
                },
                Tok::Word {
                    kind: WordKind::PrefixName,
                    text: "ANY"
                },
                Tok::Word {
                    kind: WordKind::PrefixName,
                    text: "dc.x"
                },
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn quoted_strings_keep_escapes() {
        assert_eq!(
            toks(r#""a \"b\" and" c\ d"#),
            vec![
                Tok::Word {
                    kind: WordKind::Simple,
                    text: r#"a \"b\" and"#
                },
                Tok::Word {
                    kind: WordKind::Simple,
                    text: r"c\ d"
                },
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn unterminated_quote_and_dangling_backslash() {
        let err = tokenize(r#"a "bc"#).expect_err("unterminated");
        assert_eq!((err.position, err.diagnostic), (2, 10));
        let err = tokenize(r#""bc\""#).expect_err("escaped closing quote");
        assert_eq!(err.position, 0);
        let err = tokenize(r"ab\").expect_err("dangling backslash");
        assert_eq!(err.position, 2);
    }

    #[test]
    fn multibyte_text() {
        assert_eq!(
            toks("é\\ü=ß"),
            vec![
                Tok::Word {
                    kind: WordKind::Simple,
                    text: "é\\ü"
                },
                Tok::Sym(Sym::Eq),
                Tok::Word {
                    kind: WordKind::Simple,
                    text: "ß"
                },
                Tok::Eof,
            ]
        );
    }
}
