//! Dot-commands: `.help`, `.mode csv`, `.run NAME var=value` …, parsed
//! into [`Command`] before anything runs.

use crate::present::export::ExportFormat;
use crate::present::format::OutputFormat;
use clap::ValueEnum;
use std::path::PathBuf;
use std::time::Duration;

/// How `.labels` shows IRIs in tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelMode {
    /// Prefixed names only.
    Off,
    /// A label column beside each column of IRIs.
    On,
    /// Labels instead of IRIs (the IRI where there is no label).
    Only,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help,
    Quit,
    Prefixes,
    /// `.prefix p: <iri>`
    Prefix {
        name: String,
        namespace: String,
    },
    Queries,
    /// `.run NAME var=value …`; values are kept as typed (quotes included).
    Run {
        name: String,
        bindings: Vec<(String, String)>,
    },
    /// `None` asks for the current setting; so for the others below.
    Mode(Option<OutputFormat>),
    /// `.output FILE`, or `.output` to go back to the terminal.
    Output(Option<PathBuf>),
    Timer(Option<bool>),
    /// `Some(None)` is no limit.
    MaxRows(Option<Option<usize>>),
    /// `Some(None)` is no timeout.
    Timeout(Option<Option<Duration>>),
    Labels(Option<LabelMode>),
    Lang(Option<String>),
    Stats,
    /// `.export [FORMAT] FILE`; without a format, the file's extension says.
    Export {
        format: ExportFormat,
        path: PathBuf,
    },
    Read(PathBuf),
    /// `.diagram FILE`: draw the last query result; the extension says
    /// DOT or which picture.
    Diagram(PathBuf),
    /// `.connect URL`: statements go to a SPARQL endpoint.
    Connect(String),
    /// `.disconnect`: back to the local store.
    Disconnect,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("unknown command .{0} (.help lists them)")]
    Unknown(String),
    #[error("usage: {0}")]
    Usage(&'static str),
    #[error("{0}")]
    Invalid(String),
}

/// Every dot-command, with its usage and what it does: `.help` prints this
/// and Tab completes the names.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (".help", ".help", "this list"),
    (".prefixes", ".prefixes", "the prefixes every statement can use"),
    (".prefix", ".prefix p: <iri>", "declare a prefix for the session (so does a PREFIX line)"),
    (".queries", ".queries", "the saved queries (queries/*.rq) and what they ask"),
    (".run", ".run NAME [var=value …]", "run a saved query; a value may be a label (.run cases-by-mechanism mechanism=LABEL), prefix:name, <iri>, \"text\" or a number"),
    (".mode", ".mode table|csv|tsv|json|xml", "how results are written"),
    (".output", ".output [FILE]", "write results to FILE; .output alone goes back to the terminal"),
    (".timer", ".timer on|off", "show how long each statement took"),
    (".maxrows", ".maxrows N", "draw at most N table rows (0: all)"),
    (".timeout", ".timeout SECONDS", "cancel statements that run longer (0: never; default 60, repl --timeout)"),
    (".labels", ".labels on|off|only", "show each IRI's label beside it, or instead of it"),
    (".lang", ".lang zh|en", "the language of labels"),
    (".stats", ".stats", "statements, resources per class, most used mechanisms"),
    (".export", ".export [FORMAT] FILE", "write the whole graph (turtle, trig, ntriples, nquads, rdfxml, jsonld)"),
    (".diagram", ".diagram FILE", "draw the last CONSTRUCT/DESCRIBE or two-column SELECT result to FILE (.svg, .png, .pdf or .dot)"),
    (".read", ".read FILE", "run the statements in FILE"),
    (".connect", ".connect URL", "send statements to a SPARQL endpoint (credentials: repl --user/--password-env)"),
    (".disconnect", ".disconnect", "back to the local store"),
    (".quit", ".quit", "leave (so do Ctrl-D and Ctrl-C twice)"),
];

/// Parses a line that starts with `.`.
pub fn parse(line: &str) -> Result<Command, CommandError> {
    let words = split_words(line.trim());
    let (name, args) = match words.split_first() {
        Some((name, args)) => (name.trim_start_matches('.'), args),
        None => return Err(CommandError::Unknown(String::new())),
    };
    let arg = |i: usize| args.get(i).map(String::as_str);
    let no_args = |command: Command, usage| {
        if args.is_empty() {
            Ok(command)
        } else {
            Err(CommandError::Usage(usage))
        }
    };
    match name {
        "help" | "h" => Ok(Command::Help),
        "quit" | "exit" | "q" => no_args(Command::Quit, ".quit"),
        "prefixes" => no_args(Command::Prefixes, ".prefixes"),
        "queries" => no_args(Command::Queries, ".queries"),
        "stats" => no_args(Command::Stats, ".stats"),
        "prefix" => parse_prefix(args),
        "run" => parse_run(args),
        "mode" => parse_mode(arg(0)),
        "output" => match args {
            [] => Ok(Command::Output(None)),
            [path] => Ok(Command::Output(Some(unquote(path).into()))),
            _ => Err(CommandError::Usage(".output [FILE]")),
        },
        "timer" => Ok(Command::Timer(on_off(arg(0), ".timer on|off")?)),
        "maxrows" => parse_max_rows(arg(0)),
        "timeout" => parse_timeout(arg(0)),
        "labels" => parse_labels(arg(0)),
        "lang" => Ok(Command::Lang(arg(0).map(str::to_owned))),
        "export" => parse_export(args),
        "read" => match args {
            [path] => Ok(Command::Read(unquote(path).into())),
            _ => Err(CommandError::Usage(".read FILE")),
        },
        "diagram" => match args {
            [path] => Ok(Command::Diagram(unquote(path).into())),
            _ => Err(CommandError::Usage(".diagram FILE")),
        },
        "connect" => match args {
            [url] => Ok(Command::Connect(unquote(url).to_owned())),
            _ => Err(CommandError::Usage(".connect URL")),
        },
        "disconnect" => no_args(Command::Disconnect, ".disconnect"),
        other => Err(CommandError::Unknown(other.to_owned())),
    }
}

/// Splits on whitespace; `"…"` keeps spaces together (quotes are kept, so
/// `.run` can tell `"text"` from a label).
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn unquote(word: &str) -> &str {
    word.strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or(word)
}

fn parse_prefix(args: &[String]) -> Result<Command, CommandError> {
    const USAGE: &str = ".prefix p: <iri>";
    // Accept both `p: <iri>` and `p:<iri>`.
    let joined = args.join(" ");
    let (name, rest) = joined.split_once(':').ok_or(CommandError::Usage(USAGE))?;
    let namespace = rest
        .trim()
        .strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .ok_or(CommandError::Usage(USAGE))?;
    let name = name.trim();
    if name.contains(char::is_whitespace) {
        return Err(CommandError::Usage(USAGE));
    }
    Ok(Command::Prefix {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
    })
}

fn parse_run(args: &[String]) -> Result<Command, CommandError> {
    const USAGE: &str = ".run NAME [var=value …]";
    let (name, rest) = args.split_first().ok_or(CommandError::Usage(USAGE))?;
    let bindings = rest
        .iter()
        .map(|pair| {
            let (var, value) = pair.split_once('=').ok_or(CommandError::Usage(USAGE))?;
            let var = var.trim_start_matches(['?', '$']);
            if var.is_empty() || value.is_empty() {
                return Err(CommandError::Usage(USAGE));
            }
            Ok((var.to_owned(), value.to_owned()))
        })
        .collect::<Result<_, _>>()?;
    Ok(Command::Run {
        name: name.clone(),
        bindings,
    })
}

fn parse_mode(arg: Option<&str>) -> Result<Command, CommandError> {
    let Some(arg) = arg else {
        return Ok(Command::Mode(None));
    };
    OutputFormat::from_str(arg, true)
        .map(|f| Command::Mode(Some(f)))
        .map_err(|_| CommandError::Usage(".mode table|csv|tsv|json|xml"))
}

fn on_off(arg: Option<&str>, usage: &'static str) -> Result<Option<bool>, CommandError> {
    match arg {
        None => Ok(None),
        Some("on") => Ok(Some(true)),
        Some("off") => Ok(Some(false)),
        Some(_) => Err(CommandError::Usage(usage)),
    }
}

fn parse_max_rows(arg: Option<&str>) -> Result<Command, CommandError> {
    let Some(arg) = arg else {
        return Ok(Command::MaxRows(None));
    };
    match arg.parse::<usize>() {
        Ok(0) => Ok(Command::MaxRows(Some(None))),
        Ok(n) => Ok(Command::MaxRows(Some(Some(n)))),
        Err(_) => Err(CommandError::Usage(".maxrows N")),
    }
}

fn parse_timeout(arg: Option<&str>) -> Result<Command, CommandError> {
    let Some(arg) = arg else {
        return Ok(Command::Timeout(None));
    };
    if arg == "off" {
        return Ok(Command::Timeout(Some(None)));
    }
    let seconds: f64 = arg
        .parse()
        .map_err(|_| CommandError::Usage(".timeout SECONDS"))?;
    if !(0.0..=1e9).contains(&seconds) {
        return Err(CommandError::Usage(".timeout SECONDS"));
    }
    Ok(Command::Timeout(Some(
        (seconds > 0.0).then(|| Duration::from_secs_f64(seconds)),
    )))
}

fn parse_labels(arg: Option<&str>) -> Result<Command, CommandError> {
    let mode = match arg {
        None => None,
        Some("on") => Some(LabelMode::On),
        Some("off") => Some(LabelMode::Off),
        Some("only") => Some(LabelMode::Only),
        Some(_) => return Err(CommandError::Usage(".labels on|off|only")),
    };
    Ok(Command::Labels(mode))
}

fn parse_export(args: &[String]) -> Result<Command, CommandError> {
    const USAGE: &str = ".export [FORMAT] FILE";
    match args {
        [path] => {
            let path = PathBuf::from(unquote(path));
            let format = ExportFormat::from_path(&path).ok_or_else(|| {
                CommandError::Invalid(format!(
                    "cannot tell the format from {}: write .export FORMAT FILE",
                    path.display()
                ))
            })?;
            Ok(Command::Export { format, path })
        }
        [format, path] => {
            let format = ExportFormat::from_str(format, true).map_err(|_| {
                CommandError::Invalid(format!(
                    "unknown format {format}: turtle, trig, ntriples, nquads, rdfxml or jsonld"
                ))
            })?;
            Ok(Command::Export {
                format,
                path: unquote(path).into(),
            })
        }
        _ => Err(CommandError::Usage(USAGE)),
    }
}

/// The `.help` text.
pub fn help_text() -> String {
    let mut text = String::from(
        "Type SPARQL and end it with ; or a blank line. The prefixes of .prefixes are declared \
         for you; a PREFIX line adds one for the session.\n\
         Tab completes keywords, prefixes, the store's classes and properties, commands, saved \
         queries, and concepts by label (告知 → mechanism:…). Ctrl-R searches history.\n\
         Ctrl-C cancels a running statement; Ctrl-C twice on an empty line, or Ctrl-D, quits.\n\
         SPARQL Update (INSERT DATA, DELETE WHERE …) changes the store; `reformkg build` \
         rebuilds it from the seeds and discards such edits.\n\n",
    );
    let width = COMMANDS
        .iter()
        .map(|(_, usage, _)| usage.chars().count())
        .max()
        .unwrap_or(0);
    for (_, usage, what) in COMMANDS {
        text.push_str(&format!("  {usage:width$}  {what}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_keeps_values_as_typed() {
        assert_eq!(
            parse(".run cases-by-mechanism mechanism=告知承诺 title=\"a b\"").expect("parses"),
            Command::Run {
                name: "cases-by-mechanism".into(),
                bindings: vec![
                    ("mechanism".into(), "告知承诺".into()),
                    ("title".into(), "\"a b\"".into())
                ]
            }
        );
        assert_eq!(
            parse(".run x novalue"),
            Err(CommandError::Usage(".run NAME [var=value …]"))
        );
    }

    #[test]
    fn settings_parse() {
        assert_eq!(
            parse(".mode CSV").expect("parses"),
            Command::Mode(Some(OutputFormat::Csv))
        );
        assert!(parse(".mode pdf").is_err());
        assert_eq!(
            parse(".timer off").expect("parses"),
            Command::Timer(Some(false))
        );
        assert_eq!(
            parse(".maxrows 0").expect("parses"),
            Command::MaxRows(Some(None))
        );
        assert_eq!(
            parse(".timeout 1.5").expect("parses"),
            Command::Timeout(Some(Some(Duration::from_millis(1500))))
        );
        assert!(parse(".timeout soon").is_err());
        assert_eq!(
            parse(".labels only").expect("parses"),
            Command::Labels(Some(LabelMode::Only))
        );
    }

    #[test]
    fn prefix_and_export_parse() {
        assert_eq!(
            parse(".prefix ex: <http://example.org/>").expect("parses"),
            Command::Prefix {
                name: "ex".into(),
                namespace: "http://example.org/".into()
            }
        );
        assert!(parse(".prefix ex http://example.org/").is_err());
        assert_eq!(
            parse(".export out.ttl").expect("parses"),
            Command::Export {
                format: ExportFormat::Turtle,
                path: "out.ttl".into()
            }
        );
        assert!(parse(".export out.unknown").is_err());
        assert_eq!(
            parse(".export nquads \"my dump.nq\"").expect("parses"),
            Command::Export {
                format: ExportFormat::Nquads,
                path: "my dump.nq".into()
            }
        );
    }

    #[test]
    fn diagram_takes_one_file() {
        assert_eq!(
            parse(".diagram out.svg").expect("parses"),
            Command::Diagram("out.svg".into())
        );
        assert_eq!(
            parse(".diagram \"my graphs/last one.dot\"").expect("parses"),
            Command::Diagram("my graphs/last one.dot".into())
        );
        assert_eq!(parse(".diagram"), Err(CommandError::Usage(".diagram FILE")));
        assert_eq!(
            parse(".diagram a.svg b.svg"),
            Err(CommandError::Usage(".diagram FILE"))
        );
    }

    #[test]
    fn unknown_commands_are_named() {
        assert_eq!(
            parse(".frobnicate").unwrap_err().to_string(),
            "unknown command .frobnicate (.help lists them)"
        );
    }

    #[test]
    fn help_lists_every_command_and_the_build_warning() {
        let help = help_text();
        for (name, _, _) in COMMANDS {
            assert!(help.contains(name), "{name} missing from .help");
        }
        assert!(help.contains("reformkg build"));
    }
}
