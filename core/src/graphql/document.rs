//! Just enough of a GraphQL lexer to tell what a document asks for: which operations it
//! defines (query, mutation, subscription; named or anonymous) and which variables it uses.
//! Comments, strings and block strings are skipped, so `# mutation` or `"mutation"` in a
//! query do not make it a mutation. The server parses the document for real; this only
//! decides how the client may retry it.

use crate::{Error, Result};

/// The kind of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// `query` or the `{ … }` shorthand: safe to repeat.
    Query,
    /// `mutation`: changes data; repeated only with an `Idempotency-Key`.
    Mutation,
    /// `subscription`: not served over HTTP POST.
    Subscription,
}

impl OperationKind {
    /// `query`, `mutation` or `subscription`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::Mutation => "mutation",
            Self::Subscription => "subscription",
        }
    }
}

/// One operation definition of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Operation {
    pub(crate) kind: OperationKind,
    pub(crate) name: Option<String>,
}

/// What a document holds, as far as the client cares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Document {
    pub(crate) operations: Vec<Operation>,
    /// Every `$name` used anywhere (definitions and uses), without the `$`.
    pub(crate) variables: Vec<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Name(&'a str),
    Variable(&'a str),
    OpenBrace,
    CloseBrace,
    OpenParen,
    CloseParen,
    Other,
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name_continue(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

/// Splits a document into the tokens that matter here; strings and comments vanish.
fn tokens(source: &str) -> Result<Vec<Token<'_>>> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                loop {
                    if i >= bytes.len() {
                        return Err(Error::invalid_input(
                            "query: a block string (\"\"\") is not closed",
                        ));
                    }
                    if bytes[i..].starts_with(b"\\\"\"\"") {
                        i += 4;
                    } else if bytes[i..].starts_with(b"\"\"\"") {
                        i += 3;
                        break;
                    } else {
                        i += 1;
                    }
                }
                out.push(Token::Other);
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i) {
                        None | Some(b'\n' | b'\r') => {
                            return Err(Error::invalid_input("query: a string (\") is not closed"))
                        }
                        Some(b'\\') => i += 2,
                        Some(b'"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.push(Token::Other);
            }
            b'{' | b'}' | b'(' | b')' => {
                out.push(match b {
                    b'{' => Token::OpenBrace,
                    b'}' => Token::CloseBrace,
                    b'(' => Token::OpenParen,
                    _ => Token::CloseParen,
                });
                i += 1;
            }
            b'$' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && is_name_continue(bytes[i]) {
                    i += 1;
                }
                out.push(Token::Variable(&source[start..i]));
            }
            _ if is_name_start(b) => {
                let start = i;
                while i < bytes.len() && is_name_continue(bytes[i]) {
                    i += 1;
                }
                out.push(Token::Name(&source[start..i]));
            }
            _ if b.is_ascii_whitespace() || b == b',' => i += 1,
            _ => {
                // Punctuation, numbers, a BOM: only the structure above matters.
                out.push(Token::Other);
                i += source[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    Ok(out)
}

/// Moves `i` past the balanced `{ … }` block that starts at `tokens[*i]`.
fn skip_block(tokens: &[Token<'_>], i: &mut usize) -> Result<()> {
    let mut depth = 0usize;
    while let Some(token) = tokens.get(*i) {
        *i += 1;
        match token {
            Token::OpenBrace => depth += 1,
            Token::CloseBrace => {
                depth -= 1;
                if depth == 0 {
                    return Ok(());
                }
            }
            _ => {}
        }
    }
    Err(Error::invalid_input(
        "query: an opening brace { is not closed",
    ))
}

/// Moves `i` to the `{` that opens a definition's selection set, past its header (a name,
/// variable definitions whose default values may hold `{`, directives, `on Type`).
fn skip_header(tokens: &[Token<'_>], i: &mut usize) -> Result<()> {
    let mut parens = 0usize;
    while let Some(token) = tokens.get(*i) {
        match token {
            Token::OpenParen => parens += 1,
            Token::CloseParen => parens = parens.saturating_sub(1),
            Token::OpenBrace if parens == 0 => return Ok(()),
            Token::OpenBrace => {
                skip_block(tokens, i)?;
                continue;
            }
            Token::CloseBrace => {
                return Err(Error::invalid_input(
                    "query: a closing brace } has no opening brace",
                ))
            }
            _ => {}
        }
        *i += 1;
    }
    Err(Error::invalid_input(
        "query: expected a selection set { … } after the operation's header; found the end",
    ))
}

/// Reads the operations (top-level definitions) and variables of `source`.
pub(crate) fn parse(source: &str) -> Result<Document> {
    let tokens = tokens(source)?;
    let variables = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Variable(name) => Some((*name).to_owned()),
            _ => None,
        })
        .collect();
    let mut operations = Vec::new();
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        match token {
            // The shorthand `{ … }`: an anonymous query.
            Token::OpenBrace => {
                operations.push(Operation {
                    kind: OperationKind::Query,
                    name: None,
                });
                skip_block(&tokens, &mut i)?;
            }
            Token::CloseBrace => {
                return Err(Error::invalid_input(
                    "query: a closing brace } has no opening brace",
                ))
            }
            Token::Name(word) => {
                let kind = match *word {
                    "query" => Some(OperationKind::Query),
                    "mutation" => Some(OperationKind::Mutation),
                    "subscription" => Some(OperationKind::Subscription),
                    // `fragment X on Y { … }` and type-system definitions: not operations.
                    _ => None,
                };
                i += 1;
                if let Some(kind) = kind {
                    let name = match tokens.get(i) {
                        Some(Token::Name(name)) => Some((*name).to_owned()),
                        _ => None,
                    };
                    operations.push(Operation { kind, name });
                }
                skip_header(&tokens, &mut i)?;
                skip_block(&tokens, &mut i)?;
            }
            _ => i += 1,
        }
    }
    Ok(Document {
        operations,
        variables,
    })
}

impl Document {
    /// The operation the server will run: the one named `operation_name`, or the only one.
    pub(crate) fn select(&self, operation_name: Option<&str>) -> Result<OperationKind> {
        let names = || {
            self.operations
                .iter()
                .map(|o| o.name.as_deref().unwrap_or("(anonymous)"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match operation_name {
            Some(wanted) => self
                .operations
                .iter()
                .find(|o| o.name.as_deref() == Some(wanted))
                .map(|o| o.kind)
                .ok_or_else(|| {
                    Error::invalid_input(format!(
                        "operation_name: expected the name of an operation in the query; found {wanted:?}, the query defines: {}",
                        if self.operations.is_empty() { "none".to_owned() } else { names() }
                    ))
                }),
            None => match self.operations.as_slice() {
                [] => Err(Error::invalid_input(
                    "query: expected a GraphQL operation (query { … } or mutation { … }); found none",
                )),
                [only] => Ok(only.kind),
                [first, ..] => {
                    // The server refuses this (GraphQL spec 6.1); for retries, the first decides.
                    Ok(first.kind)
                }
            },
        }
    }

    /// Whether `$name` occurs in the document.
    pub(crate) fn uses_variable(&self, name: &str) -> bool {
        self.variables.iter().any(|v| v == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(source: &str, name: Option<&str>) -> OperationKind {
        parse(source).unwrap().select(name).unwrap()
    }

    #[test]
    fn operation_kinds() {
        assert_eq!(
            kind("{ QueryItems { totalCount } }", None),
            OperationKind::Query
        );
        assert_eq!(kind("query { a }", None), OperationKind::Query);
        assert_eq!(
            kind("mutation M($r: CreateItemCommandRequestInput!) { CreateItem(request: $r) { itemId } }", None),
            OperationKind::Mutation
        );
        assert_eq!(
            kind(
                "  # mutation in a comment\n query Q { a(s: \"mutation\") }",
                None
            ),
            OperationKind::Query
        );
        assert_eq!(
            kind(
                "query Q { a(s: \"\"\"\n mutation { x } \\\"\"\" \"\"\") }",
                None
            ),
            OperationKind::Query
        );
        assert_eq!(
            kind(
                "\u{feff}mutation{CreateItem(request:{sku:\"a\",name:\"b\"}){itemId}}",
                None
            ),
            OperationKind::Mutation
        );
    }

    #[test]
    fn named_operations_and_fragments() {
        let doc = "fragment F on Item { id }\nquery A { QueryItems { nodes { ...F } } }\nmutation B { CreateItem(request: {sku: \"x\", name: \"y\"}) { itemId } }";
        let parsed = parse(doc).unwrap();
        assert_eq!(parsed.operations.len(), 2, "{parsed:?}");
        assert_eq!(parsed.select(Some("A")).unwrap(), OperationKind::Query);
        assert_eq!(parsed.select(Some("B")).unwrap(), OperationKind::Mutation);
        assert_eq!(parsed.select(None).unwrap(), OperationKind::Query);
        let err = parsed.select(Some("C")).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("A, B"), "{err}");
        // A fragment first does not make the shorthand-less document anonymous.
        let doc = "fragment F on Item { id } mutation { CreateItem { ...F } }";
        assert_eq!(kind(doc, None), OperationKind::Mutation);
        let doc = "query Q($first: Int @skip(if: true)) { a }";
        assert_eq!(kind(doc, None), OperationKind::Query);
        // A default value with braces in the header is not the selection set.
        let doc = "mutation M($r: In = {sku: \"a\", name: \"b\"}) { CreateItem(request: $r) { itemId } } query Q { a }";
        let parsed = parse(doc).unwrap();
        assert_eq!(parsed.operations.len(), 2, "{parsed:?}");
        assert_eq!(parsed.select(None).unwrap(), OperationKind::Mutation);
    }

    #[test]
    fn variables_and_bad_documents() {
        let doc = parse("query($first: Int, $after: String) { QueryItems(first: $first, after: $after) { nodes { id } } }").unwrap();
        assert!(doc.uses_variable("first") && doc.uses_variable("after"));
        assert!(!doc.uses_variable("last"));
        for bad in [
            "{ a",
            "a } }",
            "query { a(s: \"x) }",
            "",
            "  # only a comment",
        ] {
            let result = parse(bad).and_then(|d| d.select(None));
            assert!(result.is_err(), "{bad:?}");
        }
    }
}
