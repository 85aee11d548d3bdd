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
    /// Draw a diagram: shared-mechanisms, case-network, mechanism-network, case CASE, or --query FILE.rq.
    Diagram {
        /// What to draw.
        #[arg(
            value_enum,
            required_unless_present = "query",
            conflicts_with = "query"
        )]
        kind: Option<DiagramKind>,
        /// The case of `case`: a rank, a case IRI or a name like case:…-5.
        #[arg(required_if_eq("kind", "case"))]
        case: Option<String>,
        /// Draw the result of a CONSTRUCT or two-column SELECT query file.
        #[arg(long, value_name = "FILE.rq")]
        query: Option<PathBuf>,
        /// Leave out mechanisms used by fewer cases.
        #[arg(long, default_value_t = 2)]
        min_cases: usize,
        /// Join cases sharing (mechanisms co-occurring in) at least this many.
        #[arg(long, default_value_t = 2)]
        min_shared: usize,
        /// Label language.
        #[arg(long, value_enum, default_value = "zh")]
        lang: reformkg::diagram::Lang,
        /// Output: .dot/.gv, or .svg/.png/.pdf rendered by Graphviz (default: DOT on stdout).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Work with the vocabulary in ontology/.
    Lexicon {
        #[command(subcommand)]
        action: LexiconAction,
    },
    /// List the cases most like CASE (a rank, IRI or case:… name) and the mechanisms they share.
    Similar {
        case: String,
        /// How many cases to list.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, value_enum, default_value = "zh")]
        lang: reformkg::diagram::Lang,
    },
}

/// What `reformkg lexicon` does.
#[derive(Debug, Subcommand)]
pub enum LexiconAction {
    /// Candidate mechanism names the lexicon does not know, mined from the cases (quoted terms,
    /// recurring …制/…清单/…机制/一件事 phrases), ranked by how many cases use them, as SKOS Turtle
    /// ready to paste into ontology/mechanisms.ttl.
    Suggest {
        /// Documents or folders of .txt documents to mine (default: the cases in the store).
        inputs: Vec<PathBuf>,
        /// How many candidates to print.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// The folder of vocabulary Turtle files.
        #[arg(long, env = "REFORMKG_ONTOLOGY")]
        ontology: Option<PathBuf>,
    },
}

/// The diagram kinds of `reformkg diagram`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagramKind {
    SharedMechanisms,
    CaseNetwork,
    MechanismNetwork,
    Case,
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
            let config = reformkg::repl::ReplConfig {
                store_dir: cli.store.clone(),
                queries_dir: resource_dir(queries.as_deref(), "queries"),
                history: reformkg::repl::default_history_file(),
            };
            let failed = reformkg::repl::run(&config)?;
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Export { format, output } => run_export(&cli.store, format, output.as_deref()),
        Command::Stats => run_stats(&cli.store),
        Command::Diagram {
            kind,
            case,
            query,
            min_cases,
            min_shared,
            lang,
            output,
        } => {
            let kind = diagram_kind(kind, case, query.as_deref())?;
            let options = reformkg::diagram::Options {
                lang,
                min_cases,
                min_shared,
            };
            run_diagram(&cli.store, &kind, &options, output.as_deref())
        }
        Command::Lexicon {
            action:
                LexiconAction::Suggest {
                    inputs,
                    limit,
                    ontology,
                },
        } => run_suggest(&cli.store, &inputs, limit, ontology.as_deref()),
        Command::Similar { case, limit, lang } => {
            let store = store::open_read_only(&cli.store)?;
            println!(
                "{}",
                reformkg::diagram::similar(&store, &case, lang, limit)?
            );
            Ok(ExitCode::SUCCESS)
        }
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
    let store = store::open_shared(store_dir)?;
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
    // COLUMNS wins (scripts set it); else the terminal's own size.
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| comfy_table::Table::new().width())
        .or(Some(120))
}

fn run_export(store_dir: &Path, format: ExportFormat, output: Option<&Path>) -> Result<ExitCode> {
    let store = store::open_read_only(store_dir)?;
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

fn run_suggest(
    store_dir: &Path,
    inputs: &[PathBuf],
    limit: usize,
    ontology: Option<&Path>,
) -> Result<ExitCode> {
    use reformkg::suggest;
    let lexicon = reformkg::lexicon::Lexicon::load_dir(&resource_dir(ontology, "ontology"))?;
    let texts = if inputs.is_empty() {
        suggest::case_texts_from_store(&store::open_read_only(store_dir)?)?
    } else {
        suggest::case_texts_from_files(&pipeline::input_files(inputs)?)?
    };
    let suggestions = suggest::suggest(&lexicon, &texts);
    print!("{}", suggest::to_turtle(&lexicon, &suggestions, limit));
    std::io::stdout().flush()?;
    eprintln!(
        "{} candidates from {} cases ({} shown)",
        suggestions.len(),
        texts.len(),
        suggestions.len().min(limit)
    );
    Ok(ExitCode::SUCCESS)
}

fn run_stats(store_dir: &Path) -> Result<ExitCode> {
    let store = store::open_read_only(store_dir)?;
    let stats = query::stats(&store)?;
    println!("{stats}");
    Ok(ExitCode::SUCCESS)
}

fn diagram_kind(
    kind: Option<DiagramKind>,
    case: Option<String>,
    query_file: Option<&Path>,
) -> Result<reformkg::diagram::Kind> {
    use reformkg::diagram::Kind;
    Ok(match (kind, query_file) {
        (_, Some(file)) => Kind::Query(
            std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?,
        ),
        (Some(DiagramKind::SharedMechanisms), None) => Kind::SharedMechanisms,
        (Some(DiagramKind::CaseNetwork), None) => Kind::CaseNetwork,
        (Some(DiagramKind::MechanismNetwork), None) => Kind::MechanismNetwork,
        (Some(DiagramKind::Case), None) => match case {
            Some(case) => Kind::Case(case),
            None => {
                bail!("`diagram case` needs a CASE: a rank, a case IRI or a name like case:…-5")
            }
        },
        (None, None) => bail!("give a diagram kind or --query FILE.rq"),
    })
}

fn run_diagram(
    store_dir: &Path,
    kind: &reformkg::diagram::Kind,
    options: &reformkg::diagram::Options,
    output: Option<&Path>,
) -> Result<ExitCode> {
    let store = store::open_read_only(store_dir)?;
    let diagram = reformkg::diagram::draw(&store, kind, options)?;
    let Some(path) = output else {
        print!("{}", diagram.to_dot());
        return Ok(ExitCode::SUCCESS);
    };
    let written = diagram.write(path)?;
    if !written.warnings.is_empty() {
        eprintln!("{}", written.warnings);
    }
    match written.engine {
        Some(engine) => eprintln!(
            "Wrote {} ({} nodes, laid out by Graphviz {engine})",
            written.path.display(),
            diagram.nodes
        ),
        None => eprintln!("Wrote {} ({} nodes)", written.path.display(), diagram.nodes),
    }
    Ok(ExitCode::SUCCESS)
}
