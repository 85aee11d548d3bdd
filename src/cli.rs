//! Subcommands of the `reformkg` binary (DESIGN.md, "Command line").

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use reformkg::export::{export, ExportFormat};
use reformkg::pipeline::{self, resource_dir, BuildReport};
use reformkg::query::{self, OutputFormat, Prefixes, TableOptions};
use reformkg::store;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "reformkg",
    version,
    about = "Build and query a knowledge graph of business-environment reform cases (优化营商环境案例)"
)]
pub struct Cli {
    /// The Oxigraph store directory.
    #[arg(long, global = true, env = "REFORMKG_STORE", default_value = store::DEFAULT_STORE_DIR)]
    pub store: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the graph from case documents (default: seeds/) into the store.
    Build {
        /// Documents or folders of .txt documents.
        inputs: Vec<PathBuf>,
        /// The folder of vocabulary Turtle files.
        #[arg(long, env = "REFORMKG_ONTOLOGY")]
        ontology: Option<PathBuf>,
    },
    /// Run one SPARQL query or update: its text, -f FILE, or a saved query NAME (queries/NAME.rq).
    Query {
        /// SPARQL text or the name of a saved query.
        #[arg(required_unless_present = "file")]
        sparql: Option<String>,
        /// Read the query from a file.
        #[arg(short = 'f', long = "file", conflicts_with = "sparql")]
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
        /// The folder of saved queries.
        #[arg(long, env = "REFORMKG_QUERIES")]
        queries: Option<PathBuf>,
    },
    /// Interactive SPARQL shell (builds the store from seeds/ first if there is none).
    Repl {
        #[arg(long, env = "REFORMKG_QUERIES")]
        queries: Option<PathBuf>,
        #[arg(long, env = "REFORMKG_ONTOLOGY")]
        ontology: Option<PathBuf>,
    },
    /// Write the whole graph in an RDF format.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file (default: standard output).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Counts per class and the most used mechanisms.
    Stats,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build { inputs, ontology } => {
            let report = build(&cli.store, &inputs, ontology.as_deref())?;
            print_build_report(&report, &cli.store);
            Ok(ExitCode::SUCCESS)
        }
        Command::Query {
            sparql,
            file,
            format,
            queries,
        } => run_query(
            &cli.store,
            sparql.as_deref(),
            file.as_deref(),
            format,
            queries.as_deref(),
        ),
        Command::Repl { queries, ontology } => {
            if !store::exists(&cli.store) {
                eprintln!(
                    "No store at {}: building it from seeds/ first…",
                    cli.store.display()
                );
                let report = build(&cli.store, &[], ontology.as_deref())?;
                print_build_report(&report, &cli.store);
            }
            let _ = queries;
            bail!("the REPL is not available in this build")
        }
        Command::Export { format, output } => run_export(&cli.store, format, output.as_deref()),
        Command::Stats => run_stats(&cli.store),
    }
}

fn build(store_dir: &Path, inputs: &[PathBuf], ontology: Option<&Path>) -> Result<BuildReport> {
    let inputs = if inputs.is_empty() {
        vec![resource_dir(None, "seeds")]
    } else {
        inputs.to_vec()
    };
    let ontology = resource_dir(ontology, "ontology");
    Ok(pipeline::build(&inputs, &ontology, store_dir)?)
}

fn print_build_report(report: &BuildReport, store_dir: &Path) {
    for (name, cases) in &report.collections {
        eprintln!("  {name}: {cases} cases");
    }
    let t = &report.timings;
    eprintln!(
        "Built {} cases, {} triples into {} (lexicon {:.1} ms, corpus {:.1} ms, extract {:.1} ms, graph {:.1} ms, store {:.1} ms)",
        report.cases,
        report.quads,
        store_dir.display(),
        ms(t.lexicon),
        ms(t.corpus),
        ms(t.extract),
        ms(t.graph),
        ms(t.store),
    );
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn run_query(
    store_dir: &Path,
    sparql: Option<&str>,
    file: Option<&Path>,
    format: OutputFormat,
    queries: Option<&Path>,
) -> Result<ExitCode> {
    let queries_dir = resource_dir(queries, "queries");
    let text = query::resolve_query_text(sparql, file, &queries_dir)?;
    let store = store::open(store_dir)?;
    let prefixes = Prefixes::default();
    let timed = query::run(&store, &text, &prefixes, None)?;
    let stdout = std::io::stdout();
    let options = TableOptions {
        width: terminal_width(&stdout),
        ..TableOptions::default()
    };
    let mut out = stdout.lock();
    query::write_answer(&timed.answer, format, &prefixes, &options, &mut out)?;
    out.flush()?;
    if matches!(timed.answer, query::Answer::Updated) {
        eprintln!(
            "Update applied. (`reformkg build` rebuilds from the seeds and discards such edits.)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn terminal_width(stdout: &std::io::Stdout) -> Option<u16> {
    if !stdout.is_terminal() {
        return None;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or(Some(120))
}

fn run_export(store_dir: &Path, format: ExportFormat, output: Option<&Path>) -> Result<ExitCode> {
    let store = store::open(store_dir)?;
    let count = match output {
        Some(path) => {
            // Write beside the target and rename, so a failed export does not
            // leave a truncated file where a good one was.
            let tmp = path.with_extension(format!("{}.partial", format.extension()));
            let file = std::fs::File::create(&tmp)
                .with_context(|| format!("cannot create {}", tmp.display()))?;
            let mut writer = std::io::BufWriter::new(file);
            let count = export(&store, format, &mut writer)?;
            writer.flush()?;
            drop(writer);
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {count} statements to {}", path.display());
            count
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let count = export(&store, format, &mut out)?;
            out.flush()?;
            count
        }
    };
    let _ = count;
    Ok(ExitCode::SUCCESS)
}

fn run_stats(store_dir: &Path) -> Result<ExitCode> {
    let store = store::open(store_dir)?;
    let stats = query::stats(&store)?;
    println!("{stats}");
    Ok(ExitCode::SUCCESS)
}
