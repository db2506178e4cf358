//! The rule language: a small subset of CEL's syntax over the profile's fields.
//!
//! ```text
//! rule    := or
//! or      := and ("||" and)*
//! and     := unary ("&&" unary)*
//! unary   := "!" unary | compare
//! compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") operand)?
//! operand := NUMBER | "STRING" | true | false | FIELD | FUNC "(" args ")"
//!          | "[" values "]" | "(" rule ")"
//! ```
//!
//! Functions: `date("2020-01-01")`, and over date fields `years(f)`, `months(f)`,
//! `count(list)`, `youngest(list)`. A comparison is always a field (or a function of one)
//! against constants, so every test becomes a range or a set of values over one column,
//! which is what the column-at-a-time evaluator runs. There are no loops and no user
//! functions: a rule's evaluation is linear in its length, so every rule terminates;
//! length and nesting limits keep the recursive parser's stack bounded on hostile input.

use crate::date::{self, Ymd};
use crate::schema::{keys, Derived, FieldType, Schema};

/// The longest rule accepted, in characters.
pub const MAX_LEN: usize = 4000;
/// The deepest nesting of parentheses, `!` and brackets accepted.
pub const MAX_DEPTH: usize = 40;
/// Words a field may not be called.
pub const RESERVED: &[&str] = &[
    "true", "false", "in", "date", "years", "months", "count", "youngest", "null",
];

/// A rule that does not parse or type-check: what is wrong, where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct RuleError {
    /// What is wrong and what to do.
    pub message: String,
    /// 1-based character column where the problem starts.
    pub column: usize,
    /// Characters it spans (at least 1).
    pub width: usize,
}

impl RuleError {
    fn at(span: Span, message: impl Into<String>) -> Self {
        RuleError {
            message: message.into(),
            column: span.0 + 1,
            width: (span.1.saturating_sub(span.0)).max(1),
        }
    }

    /// The rule with a caret line under the fault, for terminals and `<pre>` blocks.
    pub fn pointer(&self, source: &str) -> String {
        let line: String = source
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let pad: String = line
            .chars()
            .take(self.column - 1)
            .map(|c| if (c as u32) < 0x1100 { ' ' } else { '\u{3000}' })
            .collect();
        format!("{line}\n{pad}{}", "^".repeat(self.width))
    }
}

/// Character offsets `[start, end)`.
pub type Span = (usize, usize);

/// A compiled condition: tests over fields joined by and, or, not.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `true` or `false`.
    Const(bool),
    /// All of.
    And(Vec<Cond>),
    /// Any of.
    Or(Vec<Cond>),
    /// Not.
    Not(Box<Cond>),
    /// One test over one field.
    Test(Test),
}

/// One test: a field's value in a range or a set of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// What it tests.
    pub kind: TestKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of test. Ranges are inclusive, `i64::MIN` / `i64::MAX` when open.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TestKind {
    /// A bool field is true.
    Bool {
        /// Field index.
        field: usize,
    },
    /// An int field within a range.
    Int {
        /// Field index.
        field: usize,
        /// Lowest.
        lo: i64,
        /// Highest.
        hi: i64,
    },
    /// A date field within a range of `yyyymmdd` values.
    Date {
        /// Field index.
        field: usize,
        /// Earliest.
        lo: i64,
        /// Latest.
        hi: i64,
    },
    /// A derived number (age, months, count) within a range.
    Derived {
        /// What is computed.
        derived: Derived,
        /// The schema's field defining it, for its label; `None` when written as a function.
        field: Option<usize>,
        /// Lowest.
        lo: i64,
        /// Highest.
        hi: i64,
    },
    /// An enum field has one of the values in the mask.
    Enum {
        /// Field index.
        field: usize,
        /// Bit i: choice i.
        mask: u32,
    },
    /// A set field contains any of the values in the mask.
    Set {
        /// Field index.
        field: usize,
        /// Bit i: choice i.
        mask: u32,
    },
    /// The region field is one of these codes or lies within one of them.
    Region {
        /// Field index.
        field: usize,
        /// 12-digit codes.
        codes: Vec<String>,
    },
}

impl TestKind {
    /// The stored field whose answer decides this test.
    pub fn field(&self) -> usize {
        match self {
            Self::Bool { field }
            | Self::Int { field, .. }
            | Self::Date { field, .. }
            | Self::Enum { field, .. }
            | Self::Set { field, .. }
            | Self::Region { field, .. } => *field,
            Self::Derived { derived, .. } => derived.source(),
        }
    }
}

/// A parsed, type-checked rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The text as written.
    pub text: String,
    /// The condition.
    pub cond: Cond,
}

impl Rule {
    /// Parses and type-checks a rule against the schema. An empty rule is an error: write
    /// `true` for an item everyone may use.
    pub fn parse(text: &str, schema: &Schema) -> Result<Rule, RuleError> {
        let n = text.chars().count();
        if n > MAX_LEN {
            return Err(RuleError::at((MAX_LEN, n), format!("the rule is {n} characters long; the limit is {MAX_LEN}: split it across items or simplify it")));
        }
        let toks = lex(text)?;
        if toks.is_empty() {
            return Err(RuleError::at(
                (0, 1),
                "the rule is empty; write true for an item everyone may use",
            ));
        }
        let mut p = Parser {
            toks,
            pos: 0,
            depth: 0,
            schema,
            end: n,
        };
        let ast = p.or()?;
        if let Some(t) = p.toks.get(p.pos) {
            return Err(RuleError::at(
                t.span,
                format!(
                    "unexpected {} after a complete condition; join conditions with && or ||",
                    t.tok.describe()
                ),
            ));
        }
        let cond = lower_cond(&ast, schema)?;
        Ok(Rule {
            text: text.to_string(),
            cond,
        })
    }
}

// ------------------------------------------------------------------------ lexing

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Str(String),
    Op(&'static str),
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Int(n) => format!("number {n}"),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Op(o) => format!("'{o}'"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

/// Full-width punctuation as typed with a Chinese input method, mapped one character to
/// one character so columns stay right.
fn fold(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '［' | '【' => '[',
        '］' | '】' => ']',
        '“' | '”' | '＂' => '"',
        '，' => ',',
        '＝' => '=',
        '＜' => '<',
        '＞' => '>',
        '！' => '!',
        '＆' => '&',
        '｜' => '|',
        '－' => '-',
        '\u{3000}' => ' ',
        c if ('０'..='９').contains(&c) => {
            char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
        }
        c => c,
    }
}

fn lex(text: &str) -> Result<Vec<Token>, RuleError> {
    let cs: Vec<char> = text.chars().map(fold).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_alphabetic() || c == '_' {
            while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(cs[start..i].iter().collect()),
                span: (start, i),
            });
            continue;
        }
        if c.is_ascii_digit() || (c == '-' && cs.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            i += 1;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
            if i < cs.len() && (cs[i] == '.' || cs[i].is_ascii_alphabetic()) {
                return Err(RuleError::at(
                    (start, i + 1),
                    "only whole numbers are allowed",
                ));
            }
            let s: String = cs[start..i].iter().collect();
            let n = s
                .parse::<i64>()
                .map_err(|_| RuleError::at((start, i), format!("{s} is too large a number")))?;
            if n.abs() > 1_000_000_000 {
                return Err(RuleError::at(
                    (start, i),
                    format!("{s} is too large a number; numbers in rules are within ±1000000000"),
                ));
            }
            out.push(Token {
                tok: Tok::Int(n),
                span: (start, i),
            });
            continue;
        }
        if c == '"' || c == '\'' {
            i += 1;
            let mut s = String::new();
            while i < cs.len() && cs[i] != c {
                if cs[i] == '\\' && i + 1 < cs.len() {
                    i += 1;
                }
                s.push(cs[i]);
                i += 1;
            }
            if i >= cs.len() {
                return Err(RuleError::at(
                    (start, cs.len()),
                    "this string has no closing quote",
                ));
            }
            i += 1;
            out.push(Token {
                tok: Tok::Str(s),
                span: (start, i),
            });
            continue;
        }
        let two: String = cs[i..(i + 2).min(cs.len())].iter().collect();
        let op = ["&&", "||", "==", "!=", "<=", ">="]
            .into_iter()
            .find(|o| *o == two);
        if let Some(op) = op {
            out.push(Token {
                tok: Tok::Op(op),
                span: (i, i + 2),
            });
            i += 2;
            continue;
        }
        let one = ["(", ")", "[", "]", ",", "<", ">", "!"]
            .into_iter()
            .find(|o| o.starts_with(c));
        match one {
            Some(op) => {
                out.push(Token {
                    tok: Tok::Op(op),
                    span: (i, i + 1),
                });
                i += 1;
            }
            None => {
                let hint = match c {
                    '=' => "; write == to compare",
                    '&' => "; write && for and",
                    '|' => "; write || for or",
                    _ => "",
                };
                return Err(RuleError::at(
                    (i, i + 1),
                    format!(
                        "unexpected character '{}'{hint}",
                        text.chars().nth(i).unwrap_or(c)
                    ),
                ));
            }
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------ parsing

#[derive(Debug, Clone)]
enum Ast {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Cmp(&'static str, Box<Node>, Box<Node>),
    Ident(String),
    Call(String, Vec<Node>),
    Int(i64),
    Str(String),
    List(Vec<Node>),
}

#[derive(Debug, Clone)]
struct Node {
    ast: Ast,
    span: Span,
}

struct Parser<'a> {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    schema: &'a Schema,
    end: usize,
}

impl Parser<'_> {
    fn peek_op(&self, op: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Token { tok: Tok::Op(o), .. }) if *o == op)
    }

    fn eof_span(&self) -> Span {
        (self.end, self.end + 1)
    }

    fn deeper(&mut self, span: Span) -> Result<(), RuleError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RuleError::at(
                span,
                format!("the rule nests deeper than {MAX_DEPTH} levels; simplify it"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node, RuleError> {
        let first = self.and()?;
        let mut parts = vec![first];
        while self.peek_op("||") {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(join(parts, Ast::Or))
    }

    fn and(&mut self) -> Result<Node, RuleError> {
        let first = self.unary()?;
        let mut parts = vec![first];
        while self.peek_op("&&") {
            self.pos += 1;
            parts.push(self.unary()?);
        }
        Ok(join(parts, Ast::And))
    }

    fn unary(&mut self) -> Result<Node, RuleError> {
        if self.peek_op("!") {
            let start = self.toks[self.pos].span.0;
            self.deeper(self.toks[self.pos].span)?;
            self.pos += 1;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = (start, inner.span.1);
            return Ok(Node {
                ast: Ast::Not(Box::new(inner)),
                span,
            });
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Node, RuleError> {
        let left = self.operand()?;
        let op = match self.toks.get(self.pos) {
            Some(Token {
                tok: Tok::Op(o @ ("==" | "!=" | "<" | "<=" | ">" | ">=")),
                ..
            }) => *o,
            Some(Token {
                tok: Tok::Ident(w), ..
            }) if w == "in" => "in",
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.operand()?;
        let span = (left.span.0, right.span.1);
        Ok(Node {
            ast: Ast::Cmp(op, Box::new(left), Box::new(right)),
            span,
        })
    }

    fn operand(&mut self) -> Result<Node, RuleError> {
        let Some(t) = self.toks.get(self.pos).cloned() else {
            return Err(RuleError::at(
                self.eof_span(),
                "the rule ends where a field or value should follow",
            ));
        };
        self.pos += 1;
        match t.tok {
            Tok::Int(n) => Ok(Node {
                ast: Ast::Int(n),
                span: t.span,
            }),
            Tok::Str(s) => Ok(Node {
                ast: Ast::Str(s),
                span: t.span,
            }),
            Tok::Ident(name) => {
                if self.peek_op("(") {
                    self.deeper(t.span)?;
                    self.pos += 1;
                    let mut args = Vec::new();
                    if !self.peek_op(")") {
                        loop {
                            args.push(self.or()?);
                            if self.peek_op(",") {
                                self.pos += 1;
                                continue;
                            }
                            break;
                        }
                    }
                    let close = self.expect(")", "to close the function call")?;
                    self.depth -= 1;
                    return Ok(Node {
                        ast: Ast::Call(name, args),
                        span: (t.span.0, close.1),
                    });
                }
                if matches!(name.as_str(), "and" | "or" | "not" | "AND" | "OR" | "NOT") {
                    let sym = match name.to_lowercase().as_str() {
                        "and" => "&&",
                        "or" => "||",
                        _ => "!",
                    };
                    return Err(RuleError::at(
                        t.span,
                        format!("'{name}' is not an operator here; write {sym}"),
                    ));
                }
                let _ = self.schema;
                Ok(Node {
                    ast: Ast::Ident(name),
                    span: t.span,
                })
            }
            Tok::Op("(") => {
                self.deeper(t.span)?;
                let inner = self.or()?;
                let close = self.expect(")", "to close the parenthesis")?;
                self.depth -= 1;
                Ok(Node {
                    ast: inner.ast,
                    span: (t.span.0, close.1),
                })
            }
            Tok::Op("[") => {
                self.deeper(t.span)?;
                let mut items = Vec::new();
                if !self.peek_op("]") {
                    loop {
                        items.push(self.operand()?);
                        if self.peek_op(",") {
                            self.pos += 1;
                            continue;
                        }
                        break;
                    }
                }
                let close = self.expect("]", "to close the list")?;
                self.depth -= 1;
                Ok(Node {
                    ast: Ast::List(items),
                    span: (t.span.0, close.1),
                })
            }
            Tok::Op(o) => Err(RuleError::at(
                t.span,
                format!("expected a field or value, found '{o}'"),
            )),
        }
    }

    fn expect(&mut self, op: &str, why: &str) -> Result<Span, RuleError> {
        match self.toks.get(self.pos) {
            Some(Token {
                tok: Tok::Op(o),
                span,
            }) if *o == op => {
                self.pos += 1;
                Ok(*span)
            }
            Some(t) => Err(RuleError::at(
                t.span,
                format!("expected '{op}' {why}, found {}", t.tok.describe()),
            )),
            None => Err(RuleError::at(
                self.eof_span(),
                format!("the rule ends; expected '{op}' {why}"),
            )),
        }
    }
}

fn join(mut parts: Vec<Node>, f: fn(Vec<Node>) -> Ast) -> Node {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    let span = (parts[0].span.0, parts[parts.len() - 1].span.1);
    Node {
        ast: f(parts),
        span,
    }
}

// ------------------------------------------------------------------------ typing

/// What an operand is, once names are resolved.
#[derive(Debug, Clone)]
enum Term {
    Field(usize),
    Derived(Derived, Option<usize>),
    Youngest(usize),
    Int(i64),
    Str(String),
    Bool(bool),
    Date(Ymd),
    List(Vec<(Term, Span)>),
    Cond(Cond),
}

fn describe(t: &Term, schema: &Schema) -> String {
    match t {
        Term::Field(f) => format!(
            "'{}' (a {} field)",
            schema.field(*f).name,
            kind_word(&schema.field(*f).ty)
        ),
        Term::Derived(_, Some(f)) => format!("'{}' (a number)", schema.field(*f).name),
        Term::Derived(..) => "a number".into(),
        Term::Youngest(_) => "a date".into(),
        Term::Int(n) => format!("the number {n}"),
        Term::Str(s) => format!("the string \"{s}\""),
        Term::Bool(b) => format!("{b}"),
        Term::Date(d) => format!("the date {}", date::format(*d)),
        Term::List(_) => "a list".into(),
        Term::Cond(_) => "a condition".into(),
    }
}

fn kind_word(t: &FieldType) -> &'static str {
    match t {
        FieldType::Bool => "yes/no",
        FieldType::Int { .. } | FieldType::Derived(_) => "number",
        FieldType::Date => "date",
        FieldType::Enum => "choice",
        FieldType::Set => "multiple-choice",
        FieldType::DateList => "date list",
        FieldType::Region => "community",
    }
}

fn term(n: &Node, schema: &Schema) -> Result<Term, RuleError> {
    Ok(match &n.ast {
        Ast::Int(v) => Term::Int(*v),
        Ast::Str(s) => Term::Str(s.clone()),
        Ast::Ident(name) => match name.as_str() {
            "true" => Term::Bool(true),
            "false" => Term::Bool(false),
            _ => {
                let Some(f) = schema.index(name) else {
                    let hint = schema
                        .suggest(name)
                        .map(|s| format!("; did you mean '{s}'?"))
                        .unwrap_or_else(|| {
                            format!("; known fields: {}", schema.names().join(", "))
                        });
                    return Err(RuleError::at(
                        n.span,
                        format!("unknown field '{name}'{hint}"),
                    ));
                };
                match schema.field(f).ty {
                    FieldType::Derived(d) => Term::Derived(d, Some(f)),
                    _ => Term::Field(f),
                }
            }
        },
        Ast::List(items) => {
            let mut out = Vec::new();
            for it in items {
                let t = term(it, schema)?;
                if !matches!(
                    t,
                    Term::Int(_) | Term::Str(_) | Term::Bool(_) | Term::Date(_)
                ) {
                    return Err(RuleError::at(
                        it.span,
                        format!("a list holds values only, not {}", describe(&t, schema)),
                    ));
                }
                out.push((t, it.span));
            }
            Term::List(out)
        }
        Ast::Call(fname, args) => call(fname, args, n.span, schema)?,
        _ => Term::Cond(lower_cond(n, schema)?),
    })
}

fn call(fname: &str, args: &[Node], span: Span, schema: &Schema) -> Result<Term, RuleError> {
    if args.len() != 1 {
        return Err(RuleError::at(
            span,
            format!("{fname}() takes one argument, found {}", args.len()),
        ));
    }
    let a = term(&args[0], schema)?;
    let aspan = args[0].span;
    let named = |d: Derived| {
        let f = schema
            .fields()
            .iter()
            .position(|f| f.ty == FieldType::Derived(d));
        Term::Derived(d, f)
    };
    match (fname, a) {
        ("date", Term::Str(s)) => date::parse(&s).map(Term::Date).ok_or_else(|| {
            RuleError::at(
                aspan,
                format!("\"{s}\" is not a date; write date(\"YYYY-MM-DD\")"),
            )
        }),
        ("years", Term::Field(f)) if schema.field(f).ty == FieldType::Date => {
            Ok(named(Derived::Years(f)))
        }
        ("months", Term::Field(f)) if schema.field(f).ty == FieldType::Date => {
            Ok(named(Derived::Months(f)))
        }
        ("years", Term::Youngest(f)) => Ok(named(Derived::YoungestYears(f))),
        ("months", Term::Youngest(f)) => Ok(named(Derived::YoungestMonths(f))),
        ("count", Term::Field(f)) if schema.field(f).ty == FieldType::DateList => {
            Ok(named(Derived::Count(f)))
        }
        ("youngest", Term::Field(f)) if schema.field(f).ty == FieldType::DateList => {
            Ok(Term::Youngest(f))
        }
        ("date" | "years" | "months" | "count" | "youngest", a) => {
            let want = match fname {
                "date" => "a quoted date",
                "years" | "months" => "a date field or youngest(list)",
                _ => "a date list field",
            };
            Err(RuleError::at(
                aspan,
                format!("{fname}() needs {want}, found {}", describe(&a, schema)),
            ))
        }
        _ => Err(RuleError::at(
            span,
            format!(
                "unknown function '{fname}'; functions are date, years, months, count and youngest"
            ),
        )),
    }
}

fn lower_cond(n: &Node, schema: &Schema) -> Result<Cond, RuleError> {
    match &n.ast {
        Ast::Or(parts) => Ok(Cond::Or(
            parts
                .iter()
                .map(|p| lower_cond(p, schema))
                .collect::<Result<_, _>>()?,
        )),
        Ast::And(parts) => Ok(Cond::And(
            parts
                .iter()
                .map(|p| lower_cond(p, schema))
                .collect::<Result<_, _>>()?,
        )),
        Ast::Not(inner) => Ok(Cond::Not(Box::new(lower_cond(inner, schema)?))),
        Ast::Cmp(op, l, r) => compare(op, l, r, n.span, schema),
        _ => match term(n, schema)? {
            Term::Bool(b) => Ok(Cond::Const(b)),
            Term::Field(f) if schema.field(f).ty == FieldType::Bool => Ok(Cond::Test(Test {
                kind: TestKind::Bool { field: f },
                span: n.span,
            })),
            Term::Cond(c) => Ok(c),
            t => {
                let hint = match &t {
                    Term::Derived(..) => "; compare it, e.g. age >= 65",
                    Term::Field(f) if schema.field(*f).ty == FieldType::Enum => {
                        "; compare it, e.g. sex == \"female\""
                    }
                    Term::Field(f) if schema.field(*f).ty == FieldType::Set => {
                        "; test a value, e.g. \"hypertension\" in chronic_conditions"
                    }
                    Term::Field(f) if schema.field(*f).ty == FieldType::DateList => {
                        "; use count(...) or years(youngest(...))"
                    }
                    _ => "",
                };
                Err(RuleError::at(
                    n.span,
                    format!("{} is not a condition{hint}", describe(&t, schema)),
                ))
            }
        },
    }
}

fn flip(op: &'static str) -> &'static str {
    match op {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        o => o,
    }
}

/// The range `value op n` describes, with `!=` as the range of `==` to be negated.
fn range(op: &str, n: i64) -> (i64, i64) {
    match op {
        "<" => (i64::MIN, n - 1),
        "<=" => (i64::MIN, n),
        ">" => (n + 1, i64::MAX),
        ">=" => (n, i64::MAX),
        _ => (n, n),
    }
}

fn compare(
    op: &'static str,
    l: &Node,
    r: &Node,
    span: Span,
    schema: &Schema,
) -> Result<Cond, RuleError> {
    let lt = term(l, schema)?;
    let rt = term(r, schema)?;
    let test = |kind| Cond::Test(Test { kind, span });
    let negate = |c: Cond| {
        if op == "!=" {
            Cond::Not(Box::new(c))
        } else {
            c
        }
    };
    if op == "in" {
        return match (lt, rt) {
            (Term::Str(s), Term::Field(f)) if schema.field(f).ty == FieldType::Set => {
                let i = value_index(schema, f, &s, l.span)?;
                Ok(test(TestKind::Set { field: f, mask: 1 << i }))
            }
            (Term::List(_), Term::Field(f)) if schema.field(f).ty == FieldType::Set => Err(RuleError::at(
                l.span,
                format!("write one value per test: \"a\" in {} || \"b\" in {}", schema.field(f).name, schema.field(f).name),
            )),
            (left, Term::List(items)) => {
                if items.is_empty() {
                    return Err(RuleError::at(r.span, "the list is empty; a test against nothing is always false"));
                }
                let mut alts = Vec::new();
                for (v, vs) in items {
                    alts.push(equal(&left, &v, l.span, vs, span, schema)?);
                }
                Ok(merge_in(alts))
            }
            (left, right) => Err(RuleError::at(
                r.span,
                format!("'in' needs a list like [\"a\", \"b\"] on its right (or a multiple-choice field), found {} in {}", describe(&left, schema), describe(&right, schema)),
            )),
        };
    }
    // Put the field on the left.
    let (op, lt, rt, lspan, rspan) = if is_value(&lt) && !is_value(&rt) {
        (flip(op), rt, lt, r.span, l.span)
    } else {
        (op, lt, rt, l.span, r.span)
    };
    if !is_value(&rt) {
        if is_value(&lt) {
            return Err(RuleError::at(
                span,
                "this compares two values; one side must be a field",
            ));
        }
        return Err(RuleError::at(
            span,
            "comparing two fields is not supported; compare a field with a value",
        ));
    }
    if op == "==" || op == "!=" {
        return Ok(negate(equal(&lt, &rt, lspan, rspan, span, schema)?));
    }
    match (&lt, &rt) {
        (Term::Field(f), Term::Int(n)) if matches!(schema.field(*f).ty, FieldType::Int { .. }) => {
            let (lo, hi) = range(op, *n);
            Ok(test(TestKind::Int { field: *f, lo, hi }))
        }
        (Term::Derived(d, f), Term::Int(n)) => {
            let (lo, hi) = range(op, *n);
            Ok(test(TestKind::Derived {
                derived: *d,
                field: *f,
                lo,
                hi,
            }))
        }
        (Term::Field(f), Term::Date(d)) if schema.field(*f).ty == FieldType::Date => {
            let (lo, hi) = range(op, *d as i64);
            Ok(test(TestKind::Date { field: *f, lo, hi }))
        }
        _ => Err(mismatch(op, &lt, &rt, span, schema)),
    }
}

fn is_value(t: &Term) -> bool {
    matches!(
        t,
        Term::Int(_) | Term::Str(_) | Term::Bool(_) | Term::Date(_) | Term::List(_)
    )
}

fn mismatch(op: &str, l: &Term, r: &Term, span: Span, schema: &Schema) -> RuleError {
    let mut msg = format!(
        "cannot compare {} with {} using {op}",
        describe(l, schema),
        describe(r, schema)
    );
    match (l, r) {
        (Term::Field(f), Term::Int(_)) if schema.field(*f).ty == FieldType::Date => {
            let name = &schema.field(*f).name;
            msg.push_str(&format!("; a date is compared with date(\"YYYY-MM-DD\"), and an age with years({name}) >= 65 (or age)"));
        }
        (Term::Derived(..) | Term::Field(_), Term::Date(_)) => {
            msg.push_str("; compare numbers with numbers and dates with dates")
        }
        (Term::Field(f), Term::Str(_)) if schema.field(*f).ty == FieldType::Enum => {
            msg.push_str("; choices are compared with == or != or in [...]")
        }
        (Term::Youngest(f), _) => {
            let name = &schema.field(*f).name;
            msg.push_str(&format!(
                "; use years(youngest({name})) for the youngest's age"
            ));
        }
        _ => {}
    }
    RuleError::at(span, msg)
}

/// `left == value` as a condition.
fn equal(
    left: &Term,
    v: &Term,
    lspan: Span,
    vspan: Span,
    span: Span,
    schema: &Schema,
) -> Result<Cond, RuleError> {
    let test = |kind| Cond::Test(Test { kind, span });
    match (left, v) {
        (Term::Field(f), Term::Bool(b)) if schema.field(*f).ty == FieldType::Bool => {
            let t = test(TestKind::Bool { field: *f });
            Ok(if *b { t } else { Cond::Not(Box::new(t)) })
        }
        (Term::Field(f), Term::Str(s)) if schema.field(*f).ty == FieldType::Enum => {
            let i = value_index(schema, *f, s, vspan)?;
            Ok(test(TestKind::Enum {
                field: *f,
                mask: 1 << i,
            }))
        }
        (Term::Field(f), Term::Str(s)) if schema.field(*f).ty == FieldType::Region => {
            if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RuleError::at(
                    vspan,
                    format!("\"{s}\" is not a 12-digit region code"),
                ));
            }
            Ok(test(TestKind::Region {
                field: *f,
                codes: vec![s.clone()],
            }))
        }
        (Term::Field(f), Term::Int(n)) if matches!(schema.field(*f).ty, FieldType::Int { .. }) => {
            Ok(test(TestKind::Int {
                field: *f,
                lo: *n,
                hi: *n,
            }))
        }
        (Term::Derived(d, f), Term::Int(n)) => Ok(test(TestKind::Derived {
            derived: *d,
            field: *f,
            lo: *n,
            hi: *n,
        })),
        (Term::Field(f), Term::Date(d)) if schema.field(*f).ty == FieldType::Date => {
            Ok(test(TestKind::Date {
                field: *f,
                lo: *d as i64,
                hi: *d as i64,
            }))
        }
        (Term::Field(f), _) if schema.field(*f).ty == FieldType::Set => Err(RuleError::at(
            lspan,
            format!(
                "a multiple-choice field is tested with in: \"value\" in {}",
                schema.field(*f).name
            ),
        )),
        _ => Err(mismatch("==", left, v, span, schema)),
    }
}

fn value_index(schema: &Schema, f: usize, s: &str, span: Span) -> Result<usize, RuleError> {
    let field = schema.field(f);
    field.choice(s).ok_or_else(|| {
        RuleError::at(
            span,
            format!(
                "\"{s}\" is not a value of {}; allowed: {}",
                field.name,
                keys(field)
            ),
        )
    })
}

/// `x in [a, b]` as one test where the values combine (enum masks, region codes).
fn merge_in(alts: Vec<Cond>) -> Cond {
    let mut out: Vec<Cond> = Vec::new();
    for c in alts {
        if let Cond::Test(Test { kind, span }) = &c {
            if let Some(Cond::Test(prev)) = out.last_mut() {
                match (&mut prev.kind, kind) {
                    (
                        TestKind::Enum { field: a, mask: m },
                        TestKind::Enum { field: b, mask: n },
                    ) if a == b => {
                        *m |= n;
                        prev.span = (prev.span.0.min(span.0), prev.span.1.max(span.1));
                        continue;
                    }
                    (
                        TestKind::Region { field: a, codes },
                        TestKind::Region {
                            field: b,
                            codes: more,
                        },
                    ) if a == b => {
                        codes.extend(more.iter().cloned());
                        continue;
                    }
                    _ => {}
                }
            }
        }
        out.push(c);
    }
    if out.len() == 1 {
        out.remove(0)
    } else {
        Cond::Or(out)
    }
}

impl Cond {
    /// Every test, depth first.
    pub fn tests(&self) -> Vec<&Test> {
        let mut out = Vec::new();
        fn walk<'a>(c: &'a Cond, out: &mut Vec<&'a Test>) {
            match c {
                Cond::Const(_) => {}
                Cond::And(v) | Cond::Or(v) => v.iter().for_each(|c| walk(c, out)),
                Cond::Not(c) => walk(c, out),
                Cond::Test(t) => out.push(t),
            }
        }
        walk(self, &mut out);
        out
    }

    /// The stored fields this condition reads, in first-use order.
    pub fn fields(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for t in self.tests() {
            let f = t.kind.field();
            if !out.contains(&f) {
                out.push(f);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> RuleError {
        Rule::parse(text, &Schema::standard()).expect_err(text)
    }

    #[test]
    fn parses_the_issue_example() {
        let s = Schema::standard();
        let r = Rule::parse("age >= 65 && residency in [\"hukou\", \"permanent\"]", &s)
            .unwrap_or_else(|e| panic!("{e}"));
        let Cond::And(parts) = &r.cond else {
            panic!("{:?}", r.cond)
        };
        assert_eq!(parts.len(), 2);
        assert!(matches!(
            &parts[1],
            Cond::Test(Test {
                kind: TestKind::Enum { mask: 0b11, .. },
                ..
            })
        ));
    }

    #[test]
    fn errors_point_at_the_fault() {
        let e = err("agee >= 65");
        assert_eq!((e.column, e.width), (1, 4));
        assert!(e.message.contains("did you mean 'age'"), "{e}");
        let e = err("age >= 65 && birth_date > 1960");
        assert_eq!(e.column, 14);
        assert!(
            e.message
                .contains("cannot compare 'birth_date' (a date field) with the number 1960"),
            "{e}"
        );
        let e = err("residency == \"local\"");
        assert!(
            e.message.contains("allowed: hukou, permanent, served"),
            "{e}"
        );
        assert_eq!(e.column, 14);
        let e = err("age >= 65 &&");
        assert!(e.message.contains("ends"), "{e}");
        assert_eq!(e.column, 13);
        let e = err("age = 65");
        assert!(e.message.contains("=="), "{e}");
        let e = err("(age >= 65");
        assert!(e.message.contains("')'"), "{e}");
        let e = err("age >= 65 and pregnant");
        assert!(e.message.contains("unexpected 'and'"), "{e}");
        let e = err("age");
        assert!(e.message.contains("not a condition"), "{e}");
        let e = err("age > age_months");
        assert!(e.message.contains("two fields"), "{e}");
        let e = err(&"!".repeat(100));
        assert!(e.message.contains("nests deeper"), "{e}");
        let e = err("");
        assert!(e.message.contains("empty"), "{e}");
        assert!(err("\"hypertension\" in chronic")
            .message
            .contains("did you mean 'chronic_conditions'"));
    }

    #[test]
    fn full_width_input_keeps_columns() {
        let s = Schema::standard();
        let r = Rule::parse("（age ＞＝ 65）", &s);
        assert!(r.is_ok(), "{r:?}");
        let r = Rule::parse("（age >= 65） && residency ＝＝ “hukou”", &s);
        assert!(r.is_ok(), "{r:?}");
        let e = err("（agee >= 65）");
        assert_eq!(e.column, 2);
        assert_eq!(e.pointer("（agee >= 65）"), "（agee >= 65）\n\u{3000}^^^^");
    }
}
