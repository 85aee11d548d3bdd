//! SPARQL text as the REPL needs to see it: where a statement ends, which
//! `PREFIX` lines it declares, and where to bind a saved query's variable.
//!
//! A small tokenizer that knows strings, IRIs and comments is enough for all
//! of these; the real parsing is left to Oxigraph.

/// What a token is. Keywords, prefixed names, numbers and language tags are
/// all `Word`s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Variable,
    Iri,
    String { closed: bool },
    Punct(char),
}

/// A token and its byte span in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }

    fn is_keyword(&self, src: &str, keyword: &str) -> bool {
        self.kind == TokenKind::Word && self.text(src).eq_ignore_ascii_case(keyword)
    }
}

/// Splits SPARQL text into tokens, dropping whitespace and `#` comments.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut lexer = Lexer { src, pos: 0 };
    let mut tokens = Vec::new();
    while let Some(token) = lexer.next_token() {
        tokens.push(token);
    }
    tokens
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            let c = self.peek()?;
            if c.is_whitespace() {
                self.bump();
            } else if c == '#' {
                self.skip_line();
            } else {
                break;
            }
        }
        let start = self.pos;
        let c = self.peek()?;
        let kind = match c {
            '"' | '\'' => self.string(c),
            '<' if self.iri_length().is_some() => {
                self.pos += self.iri_length().unwrap_or(1);
                TokenKind::Iri
            }
            '?' | '$' if self.peek_second().is_some_and(is_name_char) => {
                self.bump();
                self.eat_while(is_name_char);
                TokenKind::Variable
            }
            c if is_word_start(c) => self.word(),
            _ => {
                self.bump();
                TokenKind::Punct(c)
            }
        };
        Some(Token {
            kind,
            start,
            end: self.pos,
        })
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.bump() {
            if c == '\n' {
                break;
            }
        }
    }

    fn eat_while(&mut self, keep: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&keep) {
            self.bump();
        }
    }

    /// `<…>` with nothing inside that an IRI cannot hold; otherwise the `<`
    /// is the less-than operator.
    fn iri_length(&self) -> Option<usize> {
        let rest = &self.rest()[1..];
        for (i, c) in rest.char_indices() {
            match c {
                '>' => return Some(i + 2),
                '<' | '"' | '{' | '}' | '|' | '^' | '`' | '\\' => return None,
                c if c.is_whitespace() => return None,
                _ => {}
            }
        }
        None
    }

    fn string(&mut self, quote: char) -> TokenKind {
        let long: String = std::iter::repeat_n(quote, 3).collect();
        if self.rest().starts_with(&long) {
            self.pos += long.len();
            return TokenKind::String {
                closed: self.long_string_tail(quote),
            };
        }
        self.bump();
        // A short string cannot span lines: stop at the line end so one
        // stray quote does not swallow the rest of the input.
        while let Some(c) = self.peek() {
            match c {
                '\n' => return TokenKind::String { closed: false },
                '\\' => {
                    self.bump();
                    self.bump();
                }
                c if c == quote => {
                    self.bump();
                    return TokenKind::String { closed: true };
                }
                _ => {
                    self.bump();
                }
            }
        }
        TokenKind::String { closed: false }
    }

    /// The rest of a long string (`"""…"""`) after its opening quotes: moves
    /// past its closing quotes and says whether there were any.
    fn long_string_tail(&mut self, quote: char) -> bool {
        let long: String = std::iter::repeat_n(quote, 3).collect();
        while !self.rest().is_empty() {
            if self.rest().starts_with(&long) {
                self.pos += long.len();
                return true;
            }
            if self.bump() == Some('\\') {
                self.bump();
            }
        }
        false
    }

    /// A keyword, prefixed name, number or language tag. A trailing `.`
    /// ends the triple, so it is left for the next token.
    fn word(&mut self) -> TokenKind {
        let start = self.pos;
        self.eat_while(is_word_char);
        while self.pos > start + 1 && self.src[..self.pos].ends_with('.') {
            self.pos -= 1;
        }
        TokenKind::Word
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_start(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | ':' | '@')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '%' | '\\' | '@')
}

/// Bracket depth after the tokens: `{`, `(` and `[` open, their mates close.
fn depth(tokens: &[Token]) -> i32 {
    tokens.iter().fold(0, |depth, t| match t.kind {
        TokenKind::Punct('{' | '(' | '[') => depth + 1,
        TokenKind::Punct('}' | ')' | ']') => depth - 1,
        _ => depth,
    })
}

/// Does the text end a statement: a `;` outside every bracket (inside
/// braces `;` separates predicate-object lists) and no open string?
pub fn ends_with_terminator(src: &str) -> bool {
    let tokens = tokenize(src);
    let Some(last) = tokens.last() else {
        return false;
    };
    last.is_punct(';') && depth(&tokens) <= 0 && !has_open_string(&tokens)
}

fn has_open_string(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .any(|t| t.kind == TokenKind::String { closed: false })
}

/// The `(prefix, namespace)` pairs a text declares with `PREFIX p: <…>`.
pub fn prefix_declarations(src: &str) -> Vec<(String, String)> {
    let tokens = tokenize(src);
    tokens
        .windows(3)
        .filter(|w| w[0].is_keyword(src, "PREFIX"))
        .filter_map(|w| {
            let name = w[1].text(src).strip_suffix(':')?;
            (w[1].kind == TokenKind::Word && w[2].kind == TokenKind::Iri).then(|| {
                let iri = w[2].text(src);
                (name.to_owned(), iri[1..iri.len() - 1].to_owned())
            })
        })
        .collect()
}

/// How many tokens the prologue (`PREFIX p: <…>` and `BASE <…>`
/// declarations) at the start takes.
fn prologue_length(src: &str, tokens: &[Token]) -> usize {
    let mut i = 0;
    loop {
        let rest = &tokens[i..];
        if rest.len() >= 3
            && rest[0].is_keyword(src, "PREFIX")
            && rest[1].kind == TokenKind::Word
            && rest[1].text(src).ends_with(':')
            && rest[2].kind == TokenKind::Iri
        {
            i += 3;
        } else if rest.len() >= 2
            && rest[0].is_keyword(src, "BASE")
            && rest[1].kind == TokenKind::Iri
        {
            i += 2;
        } else {
            return i;
        }
    }
}

/// Is the text nothing but complete `PREFIX`/`BASE` declarations?
pub fn is_prologue_only(src: &str) -> bool {
    let tokens = tokenize(src);
    !tokens.is_empty() && prologue_length(src, &tokens) == tokens.len()
}

/// The distinct variable names (without `?`) in order of first use.
pub fn variables(src: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in tokenize(src) {
        if t.kind == TokenKind::Variable {
            let name = &t.text(src)[1..];
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// What a query's `VALUES ?var { … }` gives as the variable's default,
/// which tells `.run` what kind of term the query expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultValue {
    /// No single-variable `VALUES` for it.
    None,
    Iri,
    /// A literal with this language tag, e.g. `"告知承诺"@zh`.
    LangLiteral(String),
    /// A plain or typed literal, or a number.
    Literal,
}

/// The span of the inside of every `VALUES ?var { … }` block for `var`.
fn values_blocks(src: &str, tokens: &[Token], var: &str) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let is_block = t.is_keyword(src, "VALUES")
            && tokens
                .get(i + 1)
                .is_some_and(|v| v.kind == TokenKind::Variable && &v.text(src)[1..] == var)
            && tokens.get(i + 2).is_some_and(|b| b.is_punct('{'));
        if !is_block {
            continue;
        }
        let open = i + 2;
        if let Some(close) = matching_close(tokens, open) {
            blocks.push((tokens[open].end, tokens[close].start));
        }
    }
    blocks
}

fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.kind {
            TokenKind::Punct('{' | '(' | '[') => depth += 1,
            TokenKind::Punct('}' | ')' | ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The kind of the first default value a `VALUES ?var { … }` gives.
pub fn default_value(src: &str, var: &str) -> DefaultValue {
    let tokens = tokenize(src);
    let Some(&(start, end)) = values_blocks(src, &tokens, var).first() else {
        return DefaultValue::None;
    };
    let inside: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.start >= start && t.end <= end)
        .collect();
    match inside.as_slice() {
        [s, tag, ..]
            if matches!(s.kind, TokenKind::String { .. }) && tag.text(src).starts_with('@') =>
        {
            DefaultValue::LangLiteral(tag.text(src)[1..].to_owned())
        }
        [t, ..] if matches!(t.kind, TokenKind::String { .. }) => DefaultValue::Literal,
        [t, ..] if t.kind == TokenKind::Iri => DefaultValue::Iri,
        [t, ..] if t.kind == TokenKind::Word && t.text(src).contains(':') => DefaultValue::Iri,
        [t, ..] if t.kind == TokenKind::Word => DefaultValue::Literal,
        _ => DefaultValue::None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BindError {
    #[error("the query has no variable ?{variable} (it has: {known})")]
    NoSuchVariable { variable: String, known: String },
    #[error("cannot find the WHERE clause to bind ?{0} in")]
    NoWhereClause(String),
}

/// Fails unless the text uses `?var`, naming the variables it does use.
pub fn check_variable(src: &str, var: &str) -> Result<(), BindError> {
    let known = variables(src);
    if known.iter().any(|v| v == var) {
        return Ok(());
    }
    Err(BindError::NoSuchVariable {
        variable: var.to_owned(),
        known: known
            .iter()
            .map(|v| format!("?{v}"))
            .collect::<Vec<_>>()
            .join(" "),
    })
}

/// Binds `var` to `term` (SPARQL text, e.g. `<…>` or `"…"@zh`): replaces
/// the values of its `VALUES ?var { … }` default, or else adds one at the
/// start of the WHERE clause. (A trailing VALUES would join after GROUP BY
/// and filter nothing.)
pub fn bind(src: &str, var: &str, term: &str) -> Result<String, BindError> {
    check_variable(src, var)?;
    let tokens = tokenize(src);
    let blocks = values_blocks(src, &tokens, var);
    if !blocks.is_empty() {
        let mut out = src.to_owned();
        for &(start, end) in blocks.iter().rev() {
            out.replace_range(start..end, &format!(" {term} "));
        }
        return Ok(out);
    }
    let at = where_brace_end(src, &tokens).ok_or_else(|| BindError::NoWhereClause(var.into()))?;
    let mut out = src.to_owned();
    out.insert_str(at, &format!(" VALUES ?{var} {{ {term} }} "));
    Ok(out)
}

/// The byte just after the `{` that opens the WHERE clause of a query.
fn where_brace_end(src: &str, tokens: &[Token]) -> Option<usize> {
    let start = prologue_length(src, tokens);
    let form = tokens.get(start)?;
    let mut i = start + 1;
    if form.is_keyword(src, "CONSTRUCT") && tokens.get(i).is_some_and(|t| t.is_punct('{')) {
        // Skip the template: the WHERE clause is the next group.
        i = matching_close(tokens, i)? + 1;
    } else if !["SELECT", "ASK", "DESCRIBE", "CONSTRUCT"]
        .iter()
        .any(|k| form.is_keyword(src, k))
    {
        return None;
    }
    tokens[i..].iter().find(|t| t.is_punct('{')).map(|t| t.end)
}

/// Removes the final `;` that ended a statement.
pub fn strip_terminator(src: &str) -> &str {
    let tokens = tokenize(src);
    match tokens.last() {
        Some(t) if t.is_punct(';') => src[..t.start].trim_end(),
        _ => src.trim_end(),
    }
}

/// A complete piece of input: a dot-command or a SPARQL statement, with
/// the line it started on (for error messages in scripts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Complete {
    Command { line: usize, text: String },
    Sparql { line: usize, text: String },
}

/// Gathers input lines until they make a statement: a dot-command is one
/// line; SPARQL ends with `;` outside brackets, a blank line, or (for a
/// line of `PREFIX` declarations) the end of the line.
///
/// Each line is read once: tokens never span lines except long strings
/// (`"""…"""`), so the buffer keeps what [`ends_with_terminator`] and
/// [`is_prologue_only`] would find in the whole statement and updates it
/// from the new line alone.
#[derive(Debug, Default)]
pub struct StatementBuffer {
    text: String,
    lines_seen: usize,
    first_line: usize,
    scan: Scan,
}

/// What the tokens of the statement so far add up to.
#[derive(Debug, Default)]
struct Scan {
    /// Bracket depth (see [`depth`]).
    depth: i32,
    /// Some string token is unclosed (a short one cut by its line end).
    open_string: bool,
    /// The last token is `;`.
    ends_with_semicolon: bool,
    /// A long string opened and not closed yet, with its quote.
    in_long_string: Option<char>,
    /// How far the tokens so far are complete declarations.
    prologue: Prologue,
    /// Bytes lexed since the buffer was made (tests check each is read once).
    #[cfg(test)]
    lexed: usize,
}

/// Reading `PREFIX p: <…>` / `BASE <…>` declarations token by token, as
/// [`prologue_length`] does.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Prologue {
    /// No token yet.
    #[default]
    Empty,
    /// Complete declarations so far.
    Complete,
    AfterPrefix,
    AfterPrefixName,
    AfterBase,
    /// Something else came: the text is more than a prologue.
    Broken,
}

impl Prologue {
    fn next(self, src: &str, token: &Token) -> Self {
        let keyword = |k: &str| token.is_keyword(src, k);
        match self {
            Self::Empty | Self::Complete if keyword("PREFIX") => Self::AfterPrefix,
            Self::Empty | Self::Complete if keyword("BASE") => Self::AfterBase,
            Self::AfterPrefix
                if token.kind == TokenKind::Word && token.text(src).ends_with(':') =>
            {
                Self::AfterPrefixName
            }
            Self::AfterPrefixName | Self::AfterBase if token.kind == TokenKind::Iri => {
                Self::Complete
            }
            _ => Self::Broken,
        }
    }
}

impl Scan {
    /// Reads one more line (with its line break).
    fn push(&mut self, line: &str) {
        #[cfg(test)]
        {
            self.lexed += line.len();
        }
        let mut lexer = Lexer { src: line, pos: 0 };
        if let Some(quote) = self.in_long_string {
            if !lexer.long_string_tail(quote) {
                return;
            }
            self.in_long_string = None;
            self.token(
                line,
                &Token {
                    kind: TokenKind::String { closed: true },
                    start: 0,
                    end: lexer.pos,
                },
            );
        }
        while let Some(token) = lexer.next_token() {
            let text = token.text(line);
            let long = text.starts_with("\"\"\"") || text.starts_with("'''");
            if token.kind == (TokenKind::String { closed: false }) && long {
                // It may close on a later line: it counts once it does.
                self.in_long_string = text.chars().next();
                return;
            }
            self.token(line, &token);
        }
    }

    fn token(&mut self, src: &str, token: &Token) {
        match token.kind {
            TokenKind::Punct('{' | '(' | '[') => self.depth += 1,
            TokenKind::Punct('}' | ')' | ']') => self.depth -= 1,
            TokenKind::String { closed: false } => self.open_string = true,
            _ => {}
        }
        self.ends_with_semicolon = token.is_punct(';');
        self.prologue = self.prologue.next(src, token);
    }

    /// [`ends_with_terminator`] of the statement so far.
    fn ends_statement(&self) -> bool {
        self.ends_with_semicolon
            && self.depth <= 0
            && !self.open_string
            && self.in_long_string.is_none()
    }

    /// [`is_prologue_only`] of the statement so far.
    fn is_prologue_only(&self) -> bool {
        self.prologue == Prologue::Complete && self.in_long_string.is_none()
    }
}

impl StatementBuffer {
    pub fn is_empty(&self) -> bool {
        // Only lines with text are ever added.
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.reset_scan();
    }

    fn reset_scan(&mut self) {
        #[cfg(test)]
        let lexed = self.scan.lexed;
        self.scan = Scan::default();
        #[cfg(test)]
        {
            self.scan.lexed = lexed;
        }
    }

    /// Adds a line, or several when history recalls a multi-line statement
    /// or the user pastes; returns the statements that are now complete.
    pub fn push(&mut self, input: &str) -> Vec<Complete> {
        let mut lines = input.split('\n').peekable();
        let mut done = Vec::new();
        while let Some(line) = lines.next() {
            self.lines_seen += 1;
            // Inside a multi-line chunk a blank line is layout, not an end.
            let last = lines.peek().is_none();
            done.extend(self.push_line(line, last));
        }
        done
    }

    fn push_line(&mut self, line: &str, blank_ends: bool) -> Option<Complete> {
        if self.is_empty() {
            self.clear();
            if line.trim().is_empty() {
                return None;
            }
            self.first_line = self.lines_seen;
            if line.trim_start().starts_with('.') {
                return Some(Complete::Command {
                    line: self.lines_seen,
                    text: line.trim().to_owned(),
                });
            }
        }
        if line.trim().is_empty() {
            return if blank_ends { self.take() } else { None };
        }
        let from = self.text.len();
        self.text.push_str(line);
        self.text.push('\n');
        self.scan.push(&self.text[from..]);
        if self.scan.ends_statement() || self.scan.is_prologue_only() {
            return self.take();
        }
        None
    }

    /// Ends the input: whatever is pending is a statement.
    pub fn finish(&mut self) -> Option<Complete> {
        self.take()
    }

    fn take(&mut self) -> Option<Complete> {
        let text = std::mem::take(&mut self.text);
        self.reset_scan();
        let statement = strip_terminator(&text).trim();
        if tokenize(statement).is_empty() {
            return None;
        }
        Some(Complete::Sparql {
            line: self.first_line,
            text: statement.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        tokenize(src).into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokenizer_knows_iris_strings_and_comments() {
        let src = "SELECT ?x WHERE { ?x <http://a/b#c> \"a;}\" . } # ; {";
        let texts: Vec<&str> = tokenize(src).iter().map(|t| t.text(src)).collect();
        assert_eq!(
            texts,
            [
                "SELECT",
                "?x",
                "WHERE",
                "{",
                "?x",
                "<http://a/b#c>",
                "\"a;}\"",
                ".",
                "}"
            ]
        );
    }

    #[test]
    fn less_than_is_not_an_iri() {
        assert_eq!(
            kinds("FILTER(?a < 3)"),
            [
                TokenKind::Word,
                TokenKind::Punct('('),
                TokenKind::Variable,
                TokenKind::Punct('<'),
                TokenKind::Word,
                TokenKind::Punct(')')
            ]
        );
    }

    #[test]
    fn a_word_gives_back_the_triple_dot() {
        let src = "?s a rk:Case.";
        let last_two: Vec<&str> = tokenize(src)
            .iter()
            .rev()
            .take(2)
            .map(|t| t.text(src))
            .collect();
        assert_eq!(last_two, [".", "rk:Case"]);
    }

    #[test]
    fn semicolon_inside_braces_does_not_end_a_statement() {
        assert!(!ends_with_terminator("SELECT * WHERE { ?s a rk:Case ;"));
        assert!(!ends_with_terminator(
            "SELECT * WHERE { ?s ?p \"x\" } # done;"
        ));
        assert!(!ends_with_terminator(
            "INSERT DATA { <a:b> <a:c> \"\"\"x;\n"
        ));
        assert!(ends_with_terminator("SELECT * WHERE { ?s ?p ?o } ;"));
        assert!(ends_with_terminator("INSERT DATA { <a:b> <a:c> \"x;\" };"));
    }

    #[test]
    fn statements_end_at_semicolon_or_blank_line() {
        let mut buffer = StatementBuffer::default();
        assert_eq!(buffer.push("SELECT ?s WHERE {"), []);
        assert_eq!(buffer.push("  ?s a rk:Case ;"), []);
        assert_eq!(
            buffer.push("     rk:rank 1 } ;"),
            [Complete::Sparql {
                line: 1,
                text: "SELECT ?s WHERE {\n  ?s a rk:Case ;\n     rk:rank 1 }".into()
            }]
        );
        assert!(buffer.is_empty());
        assert_eq!(buffer.push("ASK { ?s ?p ?o }"), []);
        assert_eq!(
            buffer.push(""),
            [Complete::Sparql {
                line: 4,
                text: "ASK { ?s ?p ?o }".into()
            }]
        );
    }

    #[test]
    fn commands_and_prefix_lines_end_at_the_line() {
        let mut buffer = StatementBuffer::default();
        assert_eq!(
            buffer.push("  .mode csv"),
            [Complete::Command {
                line: 1,
                text: ".mode csv".into()
            }]
        );
        assert!(matches!(
            buffer.push("PREFIX ex: <http://example.org/>").as_slice(),
            [Complete::Sparql { .. }]
        ));
        assert_eq!(buffer.push("# only a comment"), []);
        assert_eq!(buffer.push(""), [], "a comment alone runs nothing");
    }

    #[test]
    fn a_recalled_multi_line_statement_runs_whole() {
        let mut buffer = StatementBuffer::default();
        let recalled = "SELECT * WHERE {\n\n ?s ?p ?o } LIMIT 1;";
        assert_eq!(
            buffer.push(recalled),
            [Complete::Sparql {
                line: 1,
                text: "SELECT * WHERE {\n ?s ?p ?o } LIMIT 1".into()
            }]
        );
        let pasted = "ASK {};\n.timer off\nASK { ?s ?p ?o };";
        assert_eq!(buffer.push(pasted).len(), 3);
    }

    #[test]
    fn prefixes_are_read_from_the_prologue() {
        let src = "PREFIX ex: <http://example.org/>\nprefix : <urn:x:>\nSELECT * {}";
        assert_eq!(
            prefix_declarations(src),
            [
                ("ex".to_owned(), "http://example.org/".to_owned()),
                (String::new(), "urn:x:".to_owned())
            ]
        );
        assert!(!is_prologue_only(src));
        assert!(is_prologue_only("PREFIX ex: <http://example.org/>"));
    }

    #[test]
    fn binding_replaces_a_values_default() {
        let src = "SELECT ?c WHERE {\n  VALUES ?mechanism { \"告知承诺\"@zh }\n  ?m skos:prefLabel ?mechanism .\n}";
        assert_eq!(
            default_value(src, "mechanism"),
            DefaultValue::LangLiteral("zh".into())
        );
        let bound = bind(src, "mechanism", "\"免罚清单\"@zh").expect("binds");
        assert!(
            bound.contains("VALUES ?mechanism { \"免罚清单\"@zh }"),
            "{bound}"
        );
        assert!(!bound.contains("告知承诺"), "{bound}");
    }

    #[test]
    fn binding_without_a_default_goes_inside_the_where_clause() {
        let src = "SELECT ?m (COUNT(?c) AS ?n) WHERE { ?c rk:usesMechanism ?m } GROUP BY ?m";
        assert_eq!(default_value(src, "m"), DefaultValue::None);
        let bound = bind(src, "m", "<urn:m>").expect("binds");
        assert_eq!(
            bound,
            "SELECT ?m (COUNT(?c) AS ?n) WHERE { VALUES ?m { <urn:m> }  ?c rk:usesMechanism ?m } GROUP BY ?m"
        );
        let construct = "CONSTRUCT { ?c a rk:Case } WHERE { ?c rk:usesMechanism ?m }";
        let bound = bind(construct, "m", "<urn:m>").expect("binds");
        assert!(
            bound.starts_with("CONSTRUCT { ?c a rk:Case } WHERE { VALUES ?m"),
            "{bound}"
        );
    }

    #[test]
    fn binding_an_unknown_variable_names_the_known_ones() {
        let err = bind("SELECT ?a WHERE { ?a ?b ?c }", "x", "1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the query has no variable ?x (it has: ?a ?b ?c)"
        );
    }

    #[test]
    fn default_kinds() {
        assert_eq!(
            default_value("SELECT * { VALUES ?d { district:jinshan } }", "d"),
            DefaultValue::Iri
        );
        assert_eq!(
            default_value("SELECT * { VALUES ?y { 2023 } }", "y"),
            DefaultValue::Literal
        );
        assert_eq!(
            default_value("SELECT * { VALUES ?y { \"x\" } }", "y"),
            DefaultValue::Literal
        );
    }

    #[test]
    fn a_long_string_may_span_lines_and_blank_lines_still_end_it() {
        let mut buffer = StatementBuffer::default();
        assert_eq!(buffer.push("INSERT DATA { <a:b> <a:c> \"\"\"x;"), []);
        assert_eq!(buffer.push("still in the string } ;"), []);
        assert_eq!(buffer.push("escaped \\"), []);
        assert_eq!(buffer.push("\"\"\" } ;").len(), 1, "closes, then ends");
        assert!(buffer.is_empty());
        assert_eq!(buffer.push("SELECT '''a"), []);
        assert_eq!(buffer.push("b"), []);
        assert!(
            matches!(buffer.push("").as_slice(), [Complete::Sparql { .. }]),
            "a blank line ends even an open string"
        );
        assert!(matches!(
            buffer.push("PREFIX a: <urn:a:> BASE <urn:b>").as_slice(),
            [Complete::Sparql { .. }]
        ));
        assert_eq!(buffer.push("PREFIX a:"), [], "an incomplete prologue waits");
        assert_eq!(buffer.push("\"s ;"), [], "an unclosed string keeps it open");
    }

    #[test]
    fn each_line_is_read_once() {
        let mut buffer = StatementBuffer::default();
        let mut typed = 0;
        buffer.push("SELECT * WHERE {");
        typed += "SELECT * WHERE {\n".len();
        for i in 0..20_000 {
            let line = format!("  ?s <urn:p{i}> ?o{i} .");
            typed += line.len() + 1;
            assert_eq!(buffer.push(&line), []);
        }
        let done = buffer.push("} ;");
        typed += "} ;\n".len();
        assert_eq!(done.len(), 1);
        assert_eq!(buffer.scan.lexed, typed);
    }
}
