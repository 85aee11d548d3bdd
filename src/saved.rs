//! Saved questions: the `*.rq` files of `queries/`, named by their file
//! stem and described by their leading `# zh:` / `# en:` comment lines.

use crate::store::sparql::QueryError;
use std::path::{Path, PathBuf};

/// Finds the text of a query given as SPARQL, `-f FILE` or a saved `NAME`.
pub fn resolve_query_text(
    arg: Option<&str>,
    file: Option<&Path>,
    queries_dir: &Path,
) -> Result<String, QueryError> {
    if let Some(path) = file {
        return read_file(path);
    }
    let arg = arg.unwrap_or_default();
    if is_query_name(arg) {
        let path = saved_query_path(queries_dir, arg);
        if path.is_file() {
            return read_file(&path);
        }
        return Err(QueryError::NoSavedQuery {
            name: arg.to_owned(),
            path: path.display().to_string(),
        });
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

pub fn saved_query_path(queries_dir: &Path, name: &str) -> PathBuf {
    queries_dir.join(format!("{name}.rq"))
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
    pub path: PathBuf,
}

/// The saved queries of a directory, by name.
pub fn saved_queries(queries_dir: &Path) -> Vec<SavedQuery> {
    let Ok(entries) = std::fs::read_dir(queries_dir) else {
        return Vec::new();
    };
    let mut queries: Vec<SavedQuery> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rq"))
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).ok()?;
            Some(SavedQuery {
                name,
                description: description_of(&text),
                path,
            })
        })
        .collect();
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    queries
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
