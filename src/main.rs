//! The `reformkg` command line: parses arguments and hands over to the
//! library. Errors end up here as one line on stderr and exit status 1.

mod cli;
mod validate;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

/// mimalloc for every allocation of the process (Cargo.toml enables its
/// malloc override, so RocksDB's too): 10,000 cases build in 12–13 s
/// instead of 15–16 s with glibc's allocator (README, "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let mut args = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    args.store_given = store_given(&matches);
    match cli::run(args) {
        Ok(code) => code,
        Err(error) if error.downcast_ref::<cli::ExitNow>().is_some() => {
            let code = error.downcast_ref::<cli::ExitNow>().map_or(1, |e| e.0);
            exit_now(code)
        }
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("reformkg: error: {}", one_line(&message(&error)));
            if error
                .downcast_ref::<cli::TimedOut>()
                .is_some_and(|t| t.abandoned)
            {
                exit_now(1);
            }
            if error.is::<cli::BadInput>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Was the global --store given on the command line, before or after the
/// subcommand?
fn store_given(matches: &clap::ArgMatches) -> bool {
    let given = |m: &clap::ArgMatches| m.value_source("store") == Some(ValueSource::CommandLine);
    given(matches) || matches.subcommand().is_some_and(|(_, sub)| given(sub))
}

/// Ends the process at once, skipping exit handlers: a query thread that did
/// not stop when cancelled is still inside RocksDB, whose static destructors
/// would race with it (and abort) on a normal exit.
fn exit_now(code: i32) -> ! {
    // Standard output is not flushed here: the stuck thread may hold its
    // lock. Everything the command finished writing is flushed already;
    // standard error is unbuffered.
    // SAFETY: `_exit` takes no pointers and never returns.
    unsafe { libc::_exit(code) }
}

/// `reformkg query … | head` closing the pipe early is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes, skipping a cause whose text the message
/// before it already includes (library errors embed their source).
fn message(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

/// Error messages (SPARQL parser ones especially) can span lines; a script
/// reading stderr wants one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
