//! Subcommands of the `reformkg` binary (docs/CONTRACT.md, "Command line").

use crate::validate;
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use oxigraph::sparql::CancellationToken;
use reformkg::pipeline::{self, BuildReport};
use reformkg::present::export::{export, ExportFormat};
use reformkg::present::format::{stream_solutions, write_answer, OutputFormat};
use reformkg::present::table::TableOptions;
use reformkg::resources::{self, Kind, Source};
use reformkg::saved;
use reformkg::store;
use reformkg::store::atomic_file::AtomicFile;
use reformkg::store::sparql::{self, Prefixes, QueryError, Statement};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(name = "reformkg", version, about)]
pub struct Cli {
    /// The Oxigraph store directory.
    #[arg(long, global = true, env = "REFORMKG_STORE", default_value = store::DEFAULT_STORE_DIR)]
    pub store: PathBuf,
    #[command(subcommand)]
    pub command: Command,
    /// Was --store given on the command line (not by REFORMKG_STORE or the default)?
    #[arg(skip)]
    pub store_given: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the graph from case documents (default: seeds/) into the store.
    Build {
        /// Documents or folders of .txt documents.
        inputs: Vec<PathBuf>,
        /// The folder of vocabulary Turtle files (else REFORMKG_ONTOLOGY, ./ontology, beside
        /// the executable, or the built-in copy; `reformkg doctor` shows which).
        #[arg(long)]
        ontology: Option<PathBuf>,
        /// The largest input document read, in bytes (suffix K, M or G; default 64M, or
        /// REFORMKG_MAX_INPUT_BYTES).
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_input_bytes: Option<u64>,
        /// Extract every document again: neither read nor update the store's cache of
        /// documents an earlier build extracted (the result is the same).
        #[arg(long)]
        no_cache: bool,
    },
    /// Add RDF files beside the built graph, each in a named graph of its own, kept across
    /// builds; --list shows them, --drop IRI removes one.
    ///
    /// Any format Oxigraph reads (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, N3),
    /// guessed from the file's extension. Without --graph a file goes to
    /// https://w3id.org/reformkg/id/graph/loaded/ plus its file name; loading into the same
    /// graph again replaces it. The built graph (the default graph) is never touched; query
    /// loaded graphs with GRAPH ?g { … }.
    Load {
        /// RDF files to load (all or none: a bad one leaves the store unchanged).
        #[arg(required_unless_present_any = ["list", "drop"], conflicts_with_all = ["list", "drop"])]
        files: Vec<PathBuf>,
        /// Load every file into this graph (else one graph a file, named after it).
        #[arg(long, value_name = "IRI")]
        graph: Option<String>,
        /// The files' format: turtle, ntriples, nquads, trig, rdfxml, jsonld, n3, an extension
        /// or a media type (else guessed from each file's extension).
        #[arg(long, value_name = "FORMAT")]
        format: Option<String>,
        /// The largest file read, in bytes (suffix K, M or G; default as for build).
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_input_bytes: Option<u64>,
        /// List the loaded graphs: IRI, triples, format and source files (tab-separated).
        #[arg(long, conflicts_with_all = ["drop", "graph", "format"])]
        list: bool,
        /// Remove a graph that `load` added (and nothing else).
        #[arg(long, value_name = "IRI", conflicts_with_all = ["graph", "format"])]
        drop: Option<String>,
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
        /// The folder of saved queries (else REFORMKG_QUERIES, ./queries, beside the
        /// executable, or the built-in copy).
        #[arg(long)]
        queries: Option<PathBuf>,
        /// Stop the query after this many seconds (0: no limit).
        #[arg(long, value_name = "SECS", default_value_t = sparql::DEFAULT_TIMEOUT.as_secs())]
        timeout: u64,
        /// At most this many rows (or triples) are read for a table or a graph; csv, tsv,
        /// json and xml stream every row (0: no limit).
        #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_ROWS)]
        max_rows: usize,
        /// Instead of the answer, print Oxigraph's plan for the query with the rows and
        /// time of each step (JSON): where a slow question spends its time.
        #[arg(long, conflicts_with_all = ["format", "endpoint"])]
        explain: bool,
        /// Ask this SPARQL endpoint instead of the local store (updates are sent to it too).
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Interactive SPARQL shell (builds the store from seeds/ first if there is none).
    Repl {
        /// The folder of saved queries (as for `query`).
        #[arg(long)]
        queries: Option<PathBuf>,
        /// The folder of vocabulary Turtle files (as for `build`).
        #[arg(long)]
        ontology: Option<PathBuf>,
        /// The starting `.timeout`, in seconds (0: no limit).
        #[arg(long, value_name = "SECS", default_value_t = sparql::DEFAULT_TIMEOUT.as_secs())]
        timeout: u64,
        /// Query this SPARQL endpoint instead of the local store (`.connect URL` and
        /// `.disconnect` switch inside the shell).
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Send the graph into another engine (Virtuoso, GraphDB, Fuseki, an Oxigraph server…)
    /// through the SPARQL 1.1 Graph Store Protocol or SPARQL Update.
    ///
    /// Each target graph is replaced, so pushing twice gives the same remote content. Named
    /// graphs of the store (files added with `reformkg load`) go under their own names.
    Push {
        /// A Graph Store Protocol service: Oxigraph server http://HOST:PORT/store, Virtuoso
        /// http://HOST:PORT/sparql-graph-crud (-auth with --user), Fuseki http://HOST/DATASET/data.
        #[arg(long, value_name = "URL", required_unless_present = "update")]
        endpoint: Option<String>,
        /// A SPARQL Update endpoint: Oxigraph server /update, Virtuoso /sparql (/sparql-auth
        /// with --user), Fuseki /DATASET/update. Alone, the data goes as INSERT DATA; with
        /// --endpoint, through the graph store. Either way each graph is filled in a staging
        /// graph and put in place by one MOVE, so a failed push changes nothing.
        #[arg(long, value_name = "URL")]
        update: Option<String>,
        /// Push the built graph into this named graph (default: the remote default graph,
        /// which Virtuoso's graph store does not take).
        #[arg(long, value_name = "IRI", conflicts_with = "graph_per_collection")]
        graph: Option<String>,
        /// One named graph per collection (https://w3id.org/reformkg/id/graph/collection/SLUG)
        /// and one for the ontology and the nodes collections share
        /// (https://w3id.org/reformkg/id/graph/shared).
        #[arg(long)]
        graph_per_collection: bool,
        /// With --graph-per-collection: only this collection's graph (its slug, as in
        /// collection:SLUG; repeat for more) and the shared graph, leaving the other
        /// collections' graphs as they are.
        #[arg(long, value_name = "SLUG", requires = "graph_per_collection")]
        collection: Vec<String>,
        /// Triples per request (default: 50000 to a graph store, 1000 per INSERT DATA).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        batch: Option<u64>,
        /// Give up on a request after this many seconds (0: no limit).
        #[arg(long, value_name = "SECS", default_value_t = 300)]
        timeout: u64,
        #[command(flatten)]
        auth: AuthArgs,
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
    /// Draw a diagram: shared-mechanisms, matrix, case-network, mechanism-network, case CASE, or
    /// --query FILE.rq.
    ///
    /// With more than about 40 cases the graphs get crowded: `matrix` (cases × mechanisms, a
    /// filled cell for each use) stays readable at any size; raise --min-cases to keep the
    /// graphs to the mechanisms many cases share.
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
    /// Where the vocabulary, saved queries and default documents are read from, the store, and
    /// Graphviz: what this binary will use, and why.
    Doctor {
        #[arg(long)]
        ontology: Option<PathBuf>,
        #[arg(long)]
        queries: Option<PathBuf>,
    },
    /// Check the graph against the SHACL shapes (ontology/shapes.ttl): the store's, or that of
    /// RDF files. Exit 0 when it conforms, 1 on violations, 2 on bad input.
    ///
    /// Implements SHACL Core and SPARQL-based (SELECT) constraints; shapes that use any other
    /// SHACL feature are refused, naming it.
    #[command(group = clap::ArgGroup::new("source").args(["files"]).multiple(true))]
    Validate {
        /// RDF files to validate instead of the store (any format Oxigraph reads, by
        /// extension: .ttl .nt .nq .trig .rdf .jsonld …); named graphs are merged into one
        /// data graph. Not with --store.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The shapes file (default: shapes.ttl in the vocabulary folder).
        #[arg(long, value_name = "FILE")]
        shapes: Option<PathBuf>,
        /// The vocabulary folder whose shapes.ttl is used (as for `build`).
        #[arg(long)]
        ontology: Option<PathBuf>,
        /// text: a readable report with labels; turtle: a standard sh:ValidationReport graph.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// The language of labels and messages in the text report.
        #[arg(long, value_enum, default_value = "zh")]
        lang: reformkg::present::labels::Lang,
        /// Validate the graph a SPARQL endpoint holds (its default graph; Virtuoso's is the
        /// union of all graphs), fetched with one CONSTRUCT. Not with --store or FILE.
        #[arg(long, value_name = "URL", conflicts_with = "files")]
        endpoint: Option<String>,
        #[command(flatten)]
        auth: AuthArgs,
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
    /// Serve the store: a SPARQL 1.1 Protocol endpoint at /sparql and a web explorer at /.
    ///
    /// There is no authentication. The server listens on loopback unless --bind says
    /// otherwise; to offer it to others, put it behind a reverse proxy that authenticates.
    /// Rebuilding the store while it runs is safe: requests in flight finish on the old
    /// version, the next ones read the new one.
    Serve {
        /// The address to listen on (port 0: any free port, printed at start).
        #[arg(long, default_value = reformkg::serve::DEFAULT_BIND)]
        bind: std::net::SocketAddr,
        /// Accept SPARQL Update (every update publishes a new store version); without it
        /// updates get 403.
        #[arg(long)]
        writable: bool,
        /// Stop a query after this many seconds (it gets 503).
        #[arg(long, value_name = "SECS", default_value_t = reformkg::serve::DEFAULT_TIMEOUT.as_secs_f64())]
        timeout: f64,
        /// Allow pages on other origins to call the endpoint (Access-Control-Allow-Origin: *).
        #[arg(long)]
        cors: bool,
        /// The largest request body, in bytes (suffix K, M or G).
        #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1M")]
        max_body: u64,
        /// Requests handled at once (default: two a core).
        #[arg(long, value_name = "N")]
        workers: Option<usize>,
        /// Refuse /diagram/… for stores with more cases (laying out thousands takes minutes).
        #[arg(long, value_name = "N", default_value_t = reformkg::serve::DEFAULT_MAX_DIAGRAM_CASES)]
        max_diagram_cases: usize,
        /// The folder of saved queries offered as examples (as for `query`).
        #[arg(long)]
        queries: Option<PathBuf>,
    },
}

/// Credentials for an endpoint that asks for them.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// The user name, for an endpoint that asks (HTTP Basic or Digest).
    #[arg(long, requires = "password_env")]
    pub user: Option<String>,
    /// The environment variable holding the password (a password on the command line would
    /// show in `ps` and the shell's history).
    #[arg(long, value_name = "VAR", requires = "user")]
    pub password_env: Option<String>,
}

impl AuthArgs {
    fn credentials(&self) -> Result<Option<reformkg::remote::Credentials>> {
        let (Some(user), Some(var)) = (&self.user, &self.password_env) else {
            return Ok(None);
        };
        let password = std::env::var(var)
            .with_context(|| format!("--password-env {var}: the variable is not set"))?;
        Ok(Some(reformkg::remote::Credentials {
            user: user.clone(),
            password,
        }))
    }
}

/// What `reformkg lexicon` does.
#[derive(Debug, Subcommand)]
pub enum LexiconAction {
    /// Candidate mechanism names the lexicon does not know, mined from the cases (quoted terms,
    /// recurring phrases ending in one of the ontology's candidate suffixes), ranked by how many
    /// cases use them, as SKOS Turtle ready to paste into ontology/mechanisms.ttl.
    Suggest {
        /// Documents or folders of .txt documents to mine (default: the cases in the store).
        inputs: Vec<PathBuf>,
        /// How many candidates to print.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// The folder of vocabulary Turtle files (else REFORMKG_ONTOLOGY, ./ontology, beside
        /// the executable, or the built-in copy; `reformkg doctor` shows which).
        #[arg(long)]
        ontology: Option<PathBuf>,
    },
}

/// How `reformkg validate` writes its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Turtle,
}

/// The diagram kinds of `reformkg diagram`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiagramKind {
    /// Cases and the mechanisms they share, lines coloured by family.
    SharedMechanisms,
    /// Cases (rows) × mechanisms (columns, by family); readable at any number of cases.
    Matrix,
    CaseNetwork,
    MechanismNetwork,
    Case,
}

/// Input `reformkg validate` cannot use (unreadable or invalid data or shapes): one line on
/// stderr and exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate {
            files,
            shapes,
            ontology,
            format,
            lang,
            endpoint,
            auth,
        } => {
            let endpoint = match endpoint {
                Some(url) => Some(
                    auth.credentials()
                        .and_then(|c| Ok(reformkg::remote::Endpoint::new(&url, c, None)?))
                        .map_err(|e| BadInput(e.to_string()))?,
                ),
                None => None,
            };
            let request = validate::Request {
                source: validate::source(&cli.store, cli.store_given, files, endpoint)?,
                shapes: validate::shapes_source(shapes, ontology.as_deref()),
                format,
                lang,
            };
            validate::run(&request)
        }
        Command::Build {
            inputs,
            ontology,
            max_input_bytes,
            no_cache,
        } => {
            reformkg::corpus::set_max_input_bytes(max_input_bytes);
            let options = pipeline::BuildOptions { cache: !no_cache };
            let report = build(&cli.store, &inputs, ontology.as_deref(), options)?;
            print_build_report(&report, &cli.store);
            print_kept_graphs(&cli.store);
            Ok(ExitCode::SUCCESS)
        }
        Command::Load {
            files,
            graph,
            format,
            max_input_bytes,
            list,
            drop,
        } => {
            reformkg::corpus::set_max_input_bytes(max_input_bytes);
            let request = reformkg::load::Request {
                files,
                graph,
                format,
            };
            run_load(&cli.store, &request, list, drop.as_deref())
        }
        Command::Query {
            sparql,
            file,
            format,
            queries,
            timeout,
            max_rows,
            explain,
            endpoint,
            auth,
        } => {
            let saved =
                saved::SavedQueries::new(resources::locate(Kind::Queries, queries.as_deref()));
            let text = saved::resolve_query_text(sparql.as_deref(), file.as_deref(), &saved)?;
            let limits = QueryLimits {
                timeout: (timeout > 0).then(|| Duration::from_secs(timeout)),
                max_rows: (max_rows > 0).then_some(max_rows),
            };
            let show = if explain {
                Show::Plan
            } else {
                Show::Answer(format)
            };
            match (endpoint, show) {
                (Some(url), Show::Answer(format)) => {
                    let remote =
                        reformkg::remote::Endpoint::new(&url, auth.credentials()?, limits.timeout)?;
                    run_remote_query(&remote, &text, format, limits)
                }
                _ => run_query(&cli.store, text, show, limits),
            }
        }
        Command::Push {
            endpoint,
            update,
            graph,
            graph_per_collection,
            collection,
            batch,
            timeout,
            auth,
        } => {
            let target = match (graph, graph_per_collection) {
                (Some(iri), _) => reformkg::remote::Target::Graph(
                    oxigraph::model::NamedNode::new(iri.clone())
                        .map_err(|e| anyhow::anyhow!("--graph {iri:?} is not an IRI: {e}"))?,
                ),
                (None, true) => reformkg::remote::Target::PerCollection { only: collection },
                (None, false) => reformkg::remote::Target::DefaultGraph,
            };
            let (service, default_batch) = match (endpoint, update) {
                (Some(graph_store), Some(update)) => (
                    reformkg::remote::Service::GraphStoreWithUpdate {
                        graph_store,
                        update,
                    },
                    reformkg::remote::push::GRAPH_STORE_BATCH,
                ),
                (Some(url), None) => (
                    reformkg::remote::Service::GraphStore(url),
                    reformkg::remote::push::GRAPH_STORE_BATCH,
                ),
                (None, Some(url)) => (
                    reformkg::remote::Service::Update(url),
                    reformkg::remote::push::UPDATE_BATCH,
                ),
                (None, None) => bail!("give --endpoint URL (Graph Store) or --update URL"),
            };
            let push = reformkg::remote::Push {
                client: reformkg::remote::Client::new(
                    auth.credentials()?,
                    (timeout > 0).then(|| Duration::from_secs(timeout)),
                ),
                service,
                batch: batch.map_or(default_batch, |n| usize::try_from(n).unwrap_or(usize::MAX)),
            };
            run_push(&cli.store, &push, &target)
        }
        Command::Repl {
            queries,
            ontology,
            timeout,
            endpoint,
            auth,
        } => {
            let remote = match endpoint {
                Some(url) => Some(reformkg::remote::Endpoint::new(
                    &url,
                    auth.credentials()?,
                    None,
                )?),
                None => None,
            };
            if remote.is_none() && !store::exists(&cli.store) {
                eprintln!(
                    "No store at {}: building it from seeds/ first…",
                    cli.store.display()
                );
                let report = build(
                    &cli.store,
                    &[],
                    ontology.as_deref(),
                    pipeline::BuildOptions::default(),
                )?;
                print_build_report(&report, &cli.store);
            }
            let config = reformkg::repl::ReplConfig {
                store_dir: cli.store.clone(),
                saved: saved::SavedQueries::new(resources::locate(
                    Kind::Queries,
                    queries.as_deref(),
                )),
                history: reformkg::repl::default_history_file(),
                timeout: (timeout > 0).then(|| Duration::from_secs(timeout)),
                remote,
                credentials: auth.credentials()?,
            };
            let ended = reformkg::repl::run(&config)?;
            if ended.abandoned > 0 {
                eprintln!("note: a cancelled statement is still running; exiting without it");
            }
            // Background threads (a cancelled statement, the completion
            // reader) may still be inside RocksDB: leave without running
            // its exit handlers. Everything the session wrote is flushed.
            Err(ExitNow(i32::from(ended.failed > 0)).into())
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
        Command::Doctor { ontology, queries } => {
            write_stdout(&doctor(&cli.store, ontology.as_deref(), queries.as_deref()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            bind,
            writable,
            timeout,
            cors,
            max_body,
            workers,
            max_diagram_cases,
            queries,
        } => {
            let saved =
                saved::SavedQueries::new(resources::locate(Kind::Queries, queries.as_deref()));
            let mut options = reformkg::serve::Options::new(cli.store.clone(), bind);
            options.writable = writable;
            options.timeout = Duration::try_from_secs_f64(timeout)
                .ok()
                .filter(|t| !t.is_zero())
                .context("--timeout must be a positive number of seconds")?;
            options.cors = cors;
            options.max_body = usize::try_from(max_body).unwrap_or(usize::MAX);
            if let Some(n) = workers {
                options.workers = n.max(1);
            }
            options.examples = examples(&saved);
            options.max_diagram_cases = max_diagram_cases;
            let server = reformkg::serve::Server::start(options)?;
            eprintln!(
                "reformkg serve: http://{addr}/ (SPARQL endpoint http://{addr}/sparql){}; Ctrl-C stops",
                if writable { ", writable" } else { ", read-only" },
                addr = server.addr()
            );
            server.wait();
            Ok(ExitCode::SUCCESS)
        }
        Command::Similar { case, limit, lang } => {
            let store = store::open(&cli.store)?;
            let text = reformkg::diagram::similar(&store, &case, lang, limit)?;
            write_stdout(&format!("{text}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `reformkg doctor`: one line per thing the program reads or runs.
fn doctor(store_dir: &Path, ontology: Option<&Path>, queries: Option<&Path>) -> String {
    let store = if !store::exists(store_dir) {
        format!(
            "{} (none yet: `reformkg build` makes it)",
            store_dir.display()
        )
    } else {
        match store::open(store_dir) {
            Ok(snapshot) => format!("{} ({})", store_dir.display(), snapshot.version()),
            Err(e) => format!("{} (cannot open: {e})", store_dir.display()),
        }
    };
    let graphviz = reformkg::diagram::render::graphviz_version().unwrap_or_else(|| {
        "not found (diagrams are written as DOT text; install graphviz to render them)".to_owned()
    });
    let lines = [
        ("reformkg", env!("CARGO_PKG_VERSION").to_owned()),
        ("store", store),
        (
            "ontology",
            resources::locate(Kind::Ontology, ontology).to_string(),
        ),
        (
            "queries",
            resources::locate(Kind::Queries, queries).to_string(),
        ),
        ("seeds", resources::locate(Kind::Seeds, None).to_string()),
        ("graphviz", graphviz),
    ];
    lines
        .iter()
        .map(|(what, value)| format!("{what:<9} {value}\n"))
        .collect()
}

fn build(
    store_dir: &Path,
    inputs: &[PathBuf],
    ontology: Option<&Path>,
    options: pipeline::BuildOptions,
) -> Result<BuildReport> {
    // A wrong --store fails before anything else is read.
    store::check_build_target(store_dir)?;
    let inputs = if inputs.is_empty() {
        match resources::locate(Kind::Seeds, None) {
            Source::Dir { path, .. } => vec![path],
            missing => bail!(
                "no documents given and no seeds/ folder here or beside the executable                  (seeds: {missing}); name the documents to build from"
            ),
        }
    } else {
        inputs.to_vec()
    };
    let ontology = resources::locate(Kind::Ontology, ontology);
    let bar = reformkg::progress::BuildBar::new();
    let report = pipeline::build(&inputs, &ontology, store_dir, options, &bar);
    bar.finish();
    Ok(report?)
}

/// How many collections a build report lists one by one; a larger corpus
/// gets the first ones and a count, not thousands of lines.
const COLLECTIONS_LISTED: usize = 20;

fn print_build_report(report: &BuildReport, store_dir: &Path) {
    for (name, cases) in report.collections.iter().take(COLLECTIONS_LISTED) {
        eprintln!("  {name}: {cases} cases");
    }
    if let Some(more) = report.collections.len().checked_sub(COLLECTIONS_LISTED) {
        if more > 0 {
            eprintln!("  … and {more} more collections");
        }
    }
    if report.cached > 0 {
        eprintln!(
            "  {} of {} documents unchanged since an earlier build, read from the cache",
            report.cached,
            report.collections.len()
        );
    }
    if report.incremental {
        eprintln!(
            "  added to the previous version: the documents it was built from were not loaded again"
        );
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

/// The saved queries as the query page's examples.
fn examples(saved: &saved::SavedQueries) -> Vec<reformkg::serve::Example> {
    saved
        .list()
        .into_iter()
        .filter_map(|q| {
            Some(reformkg::serve::Example {
                text: saved.text(&q.name).ok()?,
                name: q.name,
                description: q.description,
            })
        })
        .collect()
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn parse_size(text: &str) -> Result<u64, String> {
    reformkg::corpus::parse_byte_size(text)
        .ok_or_else(|| format!("{text:?} is not a size in bytes (e.g. 67108864, 64M or 1G)"))
}

/// Rows a one-shot table or graph answer reads at most, by default.
const DEFAULT_MAX_ROWS: usize = 10_000;
/// How long a cancelled query may take to stop before the process gives up
/// on it (a few operators check the token only between rows).
const GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy)]
struct QueryLimits {
    timeout: Option<Duration>,
    max_rows: Option<usize>,
}

/// The command is over and threads may still be running; `main` exits with
/// this code at once, without running exit handlers.
#[derive(Debug, thiserror::Error)]
#[error("exit {0}")]
pub struct ExitNow(pub i32);

/// A query that ran past `--timeout` (its thread may still be running).
#[derive(Debug, thiserror::Error)]
#[error("the query timed out after {} s (--timeout SECS raises the limit; 0 removes it)", .limit.as_secs())]
pub struct TimedOut {
    pub limit: Duration,
    /// The query did not stop when told: exit without waiting for it.
    pub abandoned: bool,
}

/// What a one-shot query prints: its answer, or Oxigraph's plan for it
/// with the statistics of each step (`--explain`).
#[derive(Clone, Copy)]
enum Show {
    Answer(OutputFormat),
    Plan,
}

fn run_query(store_dir: &Path, text: String, show: Show, limits: QueryLimits) -> Result<ExitCode> {
    let token = CancellationToken::new();
    let worker_token = token.clone();
    let store_dir = store_dir.to_path_buf();
    // Parsing is part of the statement: it too runs on the large stack
    // under the time limit.
    with_deadline(limits.timeout, token, move || {
        let prefixes = Prefixes::default();
        match (
            sparql::parse(&text, &prefixes, Some(worker_token.clone()))?,
            show,
        ) {
            (Statement::Update(_), Show::Plan) => {
                bail!("--explain is for queries; this is an update")
            }
            (Statement::Update(update), Show::Answer(_)) => apply_update(&store_dir, update),
            (Statement::Query(prepared), Show::Plan) => {
                let snapshot = store::open(&store_dir)?;
                let plan = sparql::explain(snapshot.store(), prepared)?;
                Ok(write_stdout(&format!("{plan}\n"))?)
            }
            (Statement::Query(prepared), Show::Answer(format)) => {
                let snapshot = store::open(&store_dir)?;
                let width = terminal_width(&std::io::stdout());
                answer_query(&snapshot, prepared, format, &worker_token, limits, width)
            }
        }
    })??;
    Ok(ExitCode::SUCCESS)
}

/// `reformkg query --endpoint`: one statement against a remote endpoint,
/// written like a local answer.
fn run_remote_query(
    remote: &reformkg::remote::Endpoint,
    text: &str,
    format: OutputFormat,
    limits: QueryLimits,
) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    match remote.run(text, &Prefixes::default())? {
        reformkg::remote::RemoteAnswer::Updated => {
            eprintln!("Update applied at {}.", remote.url());
        }
        reformkg::remote::RemoteAnswer::Results(results) => {
            let width = terminal_width(&std::io::stdout());
            let token = CancellationToken::new();
            write_query_results(results, format, &token, limits, width, started)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `reformkg push`: the store's graphs into another engine.
fn run_push(
    store_dir: &Path,
    push: &reformkg::remote::Push,
    target: &reformkg::remote::Target,
) -> Result<ExitCode> {
    let snapshot = store::open(store_dir)?;
    let started = std::time::Instant::now();
    let bar = reformkg::progress::PushBar::new();
    let pushed = push.run(snapshot.store(), target, &bar);
    bar.finish();
    let pushed = pushed?;
    let url = push.service.url();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "Pushed {} triples into {} graph{} at {url} ({} requests, {seconds:.1} s, {:.0} triples/s)",
        pushed.triples(),
        pushed.graphs.len(),
        if pushed.graphs.len() == 1 { "" } else { "s" },
        pushed.requests,
        pushed.triples() as f64 / seconds.max(0.001),
    );
    for (graph, triples) in pushed.graphs.iter().take(COLLECTIONS_LISTED) {
        eprintln!(
            "  {}: {triples} triples",
            graph.as_deref().unwrap_or("(default graph)")
        );
    }
    if let Some(more) = pushed.graphs.len().checked_sub(COLLECTIONS_LISTED) {
        if more > 0 {
            eprintln!("  … and {more} more graphs");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies an update to a copy of the live version and publishes it.
fn apply_update(store_dir: &Path, update: oxigraph::sparql::PreparedSparqlUpdate) -> Result<()> {
    let ((), version) = store::update(store_dir, None, |store| {
        update.on_store(store).execute().map_err(QueryError::from)
    })?;
    eprintln!(
        "Update applied ({} is now at {version}). `reformkg build` rebuilds from the documents \
         and discards such edits.",
        store_dir.display()
    );
    Ok(())
}

/// Evaluates and writes one query's answer: results formats stream, tables
/// and graphs read at most `max_rows`.
fn answer_query(
    snapshot: &store::Snapshot,
    prepared: oxigraph::sparql::PreparedSparqlQuery,
    format: OutputFormat,
    token: &CancellationToken,
    limits: QueryLimits,
    width: Option<u16>,
) -> Result<()> {
    let started = std::time::Instant::now();
    let results = prepared
        .on_store(snapshot.store())
        .execute()
        .map_err(QueryError::from)?;
    write_query_results(results, format, token, limits, width, started)
}

/// Writes an evaluated query's answer (local or remote): results formats
/// stream, tables and graphs read at most `max_rows`.
fn write_query_results(
    results: oxigraph::sparql::QueryResults<'_>,
    format: OutputFormat,
    token: &CancellationToken,
    limits: QueryLimits,
    width: Option<u16>,
    started: std::time::Instant,
) -> Result<()> {
    let prefixes = Prefixes::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let streams = matches!(
        format,
        OutputFormat::Csv | OutputFormat::Tsv | OutputFormat::Json | OutputFormat::Xml
    );
    if streams && matches!(results, oxigraph::sparql::QueryResults::Solutions(_)) {
        stream_solutions(results, format, Some(token), &mut out)?;
        out.flush()?;
        return Ok(());
    }
    let limits = sparql::Limits {
        max_rows: limits.max_rows,
    };
    let timed = sparql::read_answer(results, Some(token.clone()), limits, started)?;
    let options = TableOptions {
        width,
        ..TableOptions::default()
    };
    write_answer(&timed.answer, format, &prefixes, &options, &mut out)?;
    out.flush()?;
    if timed.truncated {
        eprintln!(
            "note: only the first {} rows were read (--max-rows N reads more, 0 all; csv, tsv, \
             json and xml stream every row)",
            timed.answer.len()
        );
    }
    Ok(())
}

/// Runs `work` on a thread with a large stack; past `timeout` it cancels
/// `token` and, if the work does not stop within [`GRACE`], stops waiting.
fn with_deadline<T: Send + 'static>(
    timeout: Option<Duration>,
    token: CancellationToken,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("sparql".to_owned())
        .stack_size(sparql::STACK_SIZE)
        .spawn(move || {
            let _ = sender.send(work());
        })
        .context("cannot start a thread for the query")?;
    let Some(limit) = timeout else {
        let value = receiver.recv().context("the query's thread stopped")?;
        let _ = worker.join();
        return Ok(value);
    };
    match receiver.recv_timeout(limit) {
        Ok(value) => {
            let _ = worker.join();
            return Ok(value);
        }
        Err(RecvTimeoutError::Disconnected) => bail!("the query's thread stopped"),
        Err(RecvTimeoutError::Timeout) => token.cancel(),
    }
    let abandoned = match receiver.recv_timeout(GRACE) {
        Ok(_) | Err(RecvTimeoutError::Disconnected) => {
            let _ = worker.join();
            false
        }
        Err(RecvTimeoutError::Timeout) => true,
    };
    Err(TimedOut { limit, abandoned }.into())
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
    let store = store::open(store_dir)?;
    match output {
        Some(path) => {
            // A failed export leaves no truncated file where a good one was.
            let mut file = AtomicFile::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let count = export(&store, format, &mut file)?;
            file.commit()
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {count} statements to {}", path.display());
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            export(&store, format, &mut out)?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to standard output, reporting a closed pipe as an error (which
/// `main` treats as a quiet end) instead of panicking as `print!` does.
fn write_stdout(text: &str) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn run_suggest(
    store_dir: &Path,
    inputs: &[PathBuf],
    limit: usize,
    ontology: Option<&Path>,
) -> Result<ExitCode> {
    use reformkg::suggest;
    let ontology = resources::load_ontology(&resources::locate(Kind::Ontology, ontology))?;
    let lexicon = reformkg::lexicon::Lexicon::from_ontology(&ontology)?;
    let texts = if inputs.is_empty() {
        suggest::case_texts_from_store(store::open(store_dir)?.store())?
    } else {
        suggest::case_texts_from_files(&pipeline::input_files(inputs)?)?
    };
    let suggestions = suggest::suggest(&lexicon, &texts);
    write_stdout(&suggest::to_turtle(&lexicon, &suggestions, limit))?;
    eprintln!(
        "{} candidates from {} cases ({} shown)",
        suggestions.len(),
        texts.len(),
        suggestions.len().min(limit)
    );
    Ok(ExitCode::SUCCESS)
}

fn run_stats(store_dir: &Path) -> Result<ExitCode> {
    let store = store::open(store_dir)?;
    let stats = reformkg::stats::stats(&store)?;
    write_stdout(&format!("{stats}\n"))?;
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
        (Some(DiagramKind::Matrix), None) => Kind::Matrix,
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
    let store = store::open(store_dir)?;
    let diagram = reformkg::diagram::draw(&store, kind, options)?;
    let Some(path) = output else {
        write_stdout(&diagram.to_dot())?;
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

/// `reformkg load`: load files, or list (`--list`) or drop (`--drop IRI`)
/// loaded graphs.
fn run_load(
    store_dir: &Path,
    request: &reformkg::load::Request,
    list: bool,
    drop: Option<&str>,
) -> Result<ExitCode> {
    use reformkg::load;
    if list {
        write_stdout(&loaded_table(&load::list(store_dir)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(graph) = drop {
        let (removed, version) = load::unload(store_dir, graph)?;
        eprintln!(
            "Dropped <{}> ({} triples from {}); {} is now at {version}",
            removed.graph,
            removed.triples,
            removed.sources.join(", "),
            store_dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let (loaded, version) = load::load(store_dir, request)?;
    for done in &loaded {
        let replaced = done.replaced.as_ref().map_or_else(String::new, |old| {
            format!(
                ", replacing {} triples from {}",
                old.triples,
                old.sources.join(", ")
            )
        });
        eprintln!(
            "Loaded {} triples from {} into <{}>{replaced}",
            done.graph.triples,
            done.graph.sources.join(", "),
            done.graph.graph
        );
    }
    eprintln!(
        "{} is now at {version}; query loaded graphs with GRAPH ?g {{ … }}",
        store_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `load --list`: a header and one tab-separated line per loaded graph.
fn loaded_table(graphs: &[reformkg::store::loaded::LoadedGraph]) -> String {
    let mut text = String::from("graph\ttriples\tformat\tsource\n");
    for g in graphs {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            g.graph,
            g.triples,
            g.format,
            g.sources.join(" ")
        ));
    }
    text
}

/// After a build: the loaded graphs it added again.
fn print_kept_graphs(store_dir: &Path) {
    let Ok(graphs) = reformkg::load::list(store_dir) else {
        return;
    };
    if !graphs.is_empty() {
        let triples: usize = graphs.iter().map(|g| g.triples).sum();
        eprintln!(
            "Kept {} loaded graphs ({triples} triples; `reformkg load --list` shows them)",
            graphs.len()
        );
    }
}
