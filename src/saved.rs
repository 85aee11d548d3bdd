//! Saved questions: the `*.rq` files of `queries/` (wherever
//! [`crate::resources`] found it), named by their file stem and described by
//! their leading `# zh:` / `# en:` comment lines.

use crate::resources::Source;
use crate::store::sparql::QueryError;
use std::path::Path;

/// Finds the text of a query given as SPARQL, `-f FILE` or a saved `NAME`.
pub fn resolve_query_text(
    arg: Option<&str>,
    file: Option<&Path>,
    saved: &SavedQueries,
) -> Result<String, QueryError> {
    if let Some(path) = file {
        return read_file(path);
    }
    let arg = arg.unwrap_or_default();
    if is_query_name(arg) {
        return saved.text(arg);
    }
    Ok(arg.to_owned())
}

/// A bare word such as `cases-by-mechanism` names a saved query.
pub fn is_query_name(arg: &str) -> bool {
    !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn read_file(path: &Path) -> Result<String, QueryError> {
    std::fs::read_to_string(path).map_err(|source| QueryError::ReadFile {
        path: path.display().to_string(),
        source,
    })
}

/// A saved query: its name and the one-line description from its first
/// comment lines (`# en: …`, `# zh: …`, or any `# …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedQuery {
    pub name: String,
    pub description: String,
}

/// The saved queries of a folder, or the ones built into the binary.
#[derive(Debug, Clone)]
pub struct SavedQueries {
    source: Source,
}

impl SavedQueries {
    pub fn new(source: Source) -> Self {
        Self { source }
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Every saved query, by name.
    pub fn list(&self) -> Vec<SavedQuery> {
        let mut queries: Vec<SavedQuery> = self
            .texts()
            .into_iter()
            .map(|(name, text)| SavedQuery {
                description: description_of(&text),
                name,
            })
            .collect();
        queries.sort_by(|a, b| a.name.cmp(&b.name));
        queries
    }

    /// The text of the saved query `name`.
    pub fn text(&self, name: &str) -> Result<String, QueryError> {
        let file_name = format!("{name}.rq");
        let missing = |looked_in: String| QueryError::NoSavedQuery {
            name: name.to_owned(),
            path: looked_in,
        };
        match &self.source {
            Source::Dir { path, .. } | Source::Missing(path) => {
                let path = path.join(&file_name);
                if !is_query_name(name) || !path.is_file() {
                    return Err(missing(path.display().to_string()));
                }
                read_file(&path)
            }
            Source::Embedded(files) => files
                .iter()
                .find(|(n, _)| *n == file_name)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| missing(format!("{file_name} among the built-in queries"))),
        }
    }

    /// (name, text) of every `.rq` file.
    fn texts(&self) -> Vec<(String, String)> {
        match &self.source {
            Source::Dir { path, .. } | Source::Missing(path) => {
                let Ok(entries) = std::fs::read_dir(path) else {
                    return Vec::new();
                };
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "rq"))
                    .filter_map(|path| {
                        let name = path.file_stem()?.to_string_lossy().into_owned();
                        Some((name, std::fs::read_to_string(&path).ok()?))
                    })
                    .collect()
            }
            Source::Embedded(files) => files
                .iter()
                .filter_map(|(n, text)| {
                    Some((n.strip_suffix(".rq")?.to_owned(), (*text).to_owned()))
                })
                .collect(),
        }
    }
}

/// The question a saved query answers, from its leading comment lines: the
/// `zh:` and `en:` lines joined with ` / `, else the first comment line.
pub fn description_of(text: &str) -> String {
    let comments: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .filter(|l| !l.is_empty())
        .collect();
    let languages: Vec<&str> = comments
        .iter()
        .filter_map(|l| l.strip_prefix("zh:").or_else(|| l.strip_prefix("en:")))
        .map(str::trim)
        .collect();
    if languages.is_empty() {
        comments
            .first()
            .map(|l| (*l).to_owned())
            .unwrap_or_default()
    } else {
        languages.join(" / ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn descriptions_come_from_leading_comments() {
        let text = "# zh: 哪些案例使用某机制？\n# en: Which cases use a mechanism?\n# A note.\nSELECT * {}";
        assert_eq!(
            description_of(text),
            "哪些案例使用某机制？ / Which cases use a mechanism?"
        );
        assert_eq!(
            description_of("# Just one line\n# and more\nASK {}"),
            "Just one line"
        );
        assert_eq!(description_of("ASK {}"), "");
    }
}
