//! The `reformkg` command line: parses arguments and hands over to the
//! library. Errors end up here as one line on stderr and exit status 1.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(error) => {
            let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("reformkg: error: {}", one_line(&chain.join(": ")));
            ExitCode::FAILURE
        }
    }
}

/// Error messages (SPARQL parser ones especially) can span lines; a script
/// reading stderr wants one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
