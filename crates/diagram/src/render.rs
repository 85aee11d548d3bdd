//! A finished diagram: its DOT text, and files rendered from it by the
//! Graphviz `dot` program.

use super::dot;
use super::DiagramError;
use graphviz_rust::dot_structures::{Graph, Stmt};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Above this many nodes, `dot`'s layered layout gets slow and tall; the
/// force-directed `sfdp` copes (it ignores clusters).
pub const LARGE_GRAPH: usize = 400;

/// The Graphviz layout engine a diagram is laid out with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Dot,
    Neato,
    /// `neato -n`: every node at its `pos` (in points) and every cluster in
    /// its `bb`, as given; Graphviz only routes the lines and draws.
    Pinned,
    Fdp,
    Sfdp,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Dot => "dot",
            Engine::Neato | Engine::Pinned => "neato",
            Engine::Fdp => "fdp",
            Engine::Sfdp => "sfdp",
        }
    }
}

/// A diagram as a graphviz-rust graph, with the engine to lay it out.
#[derive(Debug, Clone)]
pub struct Diagram {
    pub graph: Graph,
    pub engine: Engine,
    /// How many nodes the diagram draws (legend excluded).
    pub nodes: usize,
}

/// What [`Diagram::write`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// The engine that laid the picture out; `None` for a DOT file.
    pub engine: Option<&'static str>,
    /// Whatever Graphviz printed on stderr (warnings), trimmed.
    pub warnings: String,
}

/// What a file extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Dot,
    Rendered(&'static str),
}

fn output_for(path: &Path) -> Result<Output, DiagramError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "dot" | "gv" => Ok(Output::Dot),
        "svg" => Ok(Output::Rendered("svg")),
        "png" => Ok(Output::Rendered("png")),
        "pdf" => Ok(Output::Rendered("pdf")),
        _ => Err(DiagramError::UnsupportedOutput(path.display().to_string())),
    }
}

impl Diagram {
    /// Wraps a graph; large graphs are handed to `sfdp`.
    pub fn new(graph: Graph, engine: Engine, nodes: usize) -> Self {
        let engine = if nodes > LARGE_GRAPH {
            Engine::Sfdp
        } else {
            engine
        };
        Diagram {
            graph,
            engine,
            nodes,
        }
    }

    /// Wraps a graph laid out by `engine` whatever its size: one whose
    /// nodes are all pinned (`neato` only draws it), or a table (`dot`).
    pub fn with_engine(graph: Graph, engine: Engine, nodes: usize) -> Self {
        Diagram {
            graph,
            engine,
            nodes,
        }
    }

    /// The DOT text. It names its layout engine, so `dot -Tsvg` on the
    /// file gives the same picture as `reformkg diagram`.
    pub fn to_dot(&self) -> String {
        let mut graph = self.graph.clone();
        graph.add_stmt(dot::graph_attrs(vec![dot::attr(
            "layout",
            self.engine.name(),
        )]));
        dot::print(&graph)
    }

    /// Sets the `URL` of every node for which `href` (given the node's ID,
    /// an IRI for cases, mechanisms and the like) has one; in SVG the node
    /// becomes a link. The matrix is one node and gets none.
    pub fn link_nodes(&mut self, href: &dyn Fn(&str) -> Option<String>) {
        fn walk(stmts: &mut [Stmt], href: &dyn Fn(&str) -> Option<String>) {
            for stmt in stmts {
                match stmt {
                    Stmt::Node(node) => {
                        let id = dot::unquoted(&node.id.0);
                        if let Some(url) = href(&id) {
                            node.attributes.push(dot::attr("URL", url));
                            // An SVG embedded in a page opens links in the page.
                            node.attributes.push(dot::attr("target", "_top"));
                        }
                    }
                    Stmt::Subgraph(sub) => walk(&mut sub.stmts, href),
                    _ => {}
                }
            }
        }
        match &mut self.graph {
            Graph::Graph { stmts, .. } | Graph::DiGraph { stmts, .. } => walk(stmts, href),
        }
    }

    /// The picture in a Graphviz output format (`svg`, `png`, `pdf`), as
    /// bytes. Fails as [`Diagram::write`] does, except that with no Graphviz
    /// nothing is written.
    pub fn render(&self, format: &str) -> Result<Vec<u8>, DiagramError> {
        let args = self.engine_args(format);
        match run_graphviz_to_stdout(&args, &self.to_dot()) {
            Ok(bytes) => Ok(bytes),
            Err(GraphvizRun::Missing) => Err(DiagramError::GraphvizNotFound),
            Err(GraphvizRun::Failed { status, stderr }) => {
                Err(DiagramError::GraphvizFailed { status, stderr })
            }
            Err(GraphvizRun::Io(source)) => Err(io_error(Path::new("dot"), source)),
        }
    }

    fn engine_args(&self, format: &str) -> Vec<String> {
        let mut args = vec![format!("-T{format}"), format!("-K{}", self.engine.name())];
        if self.engine == Engine::Pinned {
            args.push("-n".to_owned());
        }
        args
    }

    /// Writes the diagram to `path`: DOT for `.dot`/`.gv`, otherwise a
    /// picture rendered by Graphviz `dot`. When `dot` is missing the DOT is
    /// written beside `path` and the error says how to install Graphviz.
    pub fn write(&self, path: &Path) -> Result<Written, DiagramError> {
        let output = output_for(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                let missing = std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("no directory {}", dir.display()),
                );
                return Err(io_error(path, missing));
            }
        }
        let text = self.to_dot();
        match output {
            Output::Dot => {
                write_atomically(path, text.as_bytes())?;
                Ok(Written {
                    path: path.to_path_buf(),
                    engine: None,
                    warnings: String::new(),
                })
            }
            Output::Rendered(format) => self.render_to(&text, format, path),
        }
    }

    fn render_to(&self, text: &str, format: &str, path: &Path) -> Result<Written, DiagramError> {
        let partial = partial_path(path);
        let mut args = self.engine_args(format);
        if format == "png" {
            // 96 dpi makes small Chinese characters blur; 144 keeps them crisp.
            args.push("-Gdpi=144".to_owned());
        }
        args.push("-o".to_owned());
        args.push(partial.display().to_string());
        match run_graphviz(&args, text) {
            Ok(warnings) => {
                std::fs::rename(&partial, path).map_err(|source| io_error(path, source))?;
                Ok(Written {
                    path: path.to_path_buf(),
                    engine: Some(self.engine.name()),
                    warnings,
                })
            }
            Err(GraphvizRun::Missing) => {
                let dot_file = path.with_extension("dot");
                write_atomically(&dot_file, text.as_bytes())?;
                Err(DiagramError::GraphvizMissing {
                    dot_file: dot_file.display().to_string(),
                    format: format.to_owned(),
                    target: path.display().to_string(),
                })
            }
            Err(GraphvizRun::Failed { status, stderr }) => {
                let _ = std::fs::remove_file(&partial);
                Err(DiagramError::GraphvizFailed { status, stderr })
            }
            Err(GraphvizRun::Io(source)) => {
                let _ = std::fs::remove_file(&partial);
                Err(io_error(path, source))
            }
        }
    }
}

enum GraphvizRun {
    Missing,
    Failed { status: String, stderr: String },
    Io(std::io::Error),
}

/// The Graphviz that renders diagrams, as `dot -V` names itself; `None`
/// when there is no `dot` on the PATH.
pub fn graphviz_version() -> Option<String> {
    let output = Command::new("dot").arg("-V").output().ok()?;
    let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    (output.status.success() && !said.is_empty()).then_some(said)
}

/// Runs `dot ARGS` with the DOT text on stdin; returns its stderr.
fn run_graphviz(args: &[String], text: &str) -> Result<String, GraphvizRun> {
    let mut child = match Command::new("dot")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GraphvizRun::Missing),
        Err(e) => return Err(GraphvizRun::Io(e)),
    };
    // A `dot` that fails early closes its stdin; its exit status and
    // stderr then say more than the broken pipe does.
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(text.as_bytes()),
        None => Ok(()),
    };
    let output = child.wait_with_output().map_err(GraphvizRun::Io)?;
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if !output.status.success() {
        return Err(GraphvizRun::Failed {
            status: output.status.to_string(),
            stderr,
        });
    }
    written.map_err(GraphvizRun::Io)?;
    Ok(stderr)
}

/// Runs `dot ARGS` with the DOT text on stdin; returns what it prints.
fn run_graphviz_to_stdout(args: &[String], text: &str) -> Result<Vec<u8>, GraphvizRun> {
    let mut child = match Command::new("dot")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(GraphvizRun::Missing),
        Err(e) => return Err(GraphvizRun::Io(e)),
    };
    // Written from a thread: `dot` may fill its stdout pipe before it has
    // read all of its input.
    let stdin = child.stdin.take();
    let input = text.to_owned();
    let writer = std::thread::spawn(move || match stdin {
        Some(mut stdin) => stdin.write_all(input.as_bytes()),
        None => Ok(()),
    });
    let output = child.wait_with_output().map_err(GraphvizRun::Io)?;
    let written = writer
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread panicked")));
    if !output.status.success() {
        return Err(GraphvizRun::Failed {
            status: output.status.to_string(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    written.map_err(GraphvizRun::Io)?;
    Ok(output.stdout)
}

/// The hidden sibling `dot -o` writes to before the rename into place, so a
/// failed render leaves the old file (see [`reformkg_store::atomic_file`]).
fn partial_path(path: &Path) -> PathBuf {
    reformkg_store::atomic_file::partial_path(path)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), DiagramError> {
    reformkg_store::atomic_file::write(path, bytes).map_err(|source| io_error(path, source))
}

fn io_error(path: &Path, source: std::io::Error) -> DiagramError {
    DiagramError::Io {
        path: path.display().to_string(),
        source,
    }
}
