//! Presentation: how answers and the store's content reach people and
//! programs. Result formats through Oxigraph's serialisers, terminal
//! tables that line up Chinese text, the one label service (labels by
//! language, with fallback) and the whole-store export.
//!
//! It reads the store only through `reformkg_store::sparql`; it knows no
//! extraction and no diagram.

pub mod export;
pub mod format;
pub mod labels;
pub mod sorted;
pub mod table;

#[cfg(test)]
mod tests {
    use super::format::{write_answer, OutputFormat};
    use super::table::{render_table, truncate, TableOptions};
    use oxigraph::store::Store;
    use reformkg_store::sparql::{run, Answer, Prefixes, QueryError};
    use unicode_width::UnicodeWidthStr;

    /// One case with a Chinese title, written through SPARQL Update.
    fn store_with_one_case() -> Store {
        let store = Store::new().expect("in-memory store");
        run(
            &store,
            "INSERT DATA { case:x-1 dct:title \"以法治服务“小切口”\"@zh }",
            &Prefixes::default(),
            None,
        )
        .expect("insert");
        store
    }

    #[test]
    fn table_counts_cjk_as_two_columns() {
        let store = store_with_one_case();
        let answer = run(
            &store,
            "SELECT ?s ?t WHERE { ?s dct:title ?t }",
            &Prefixes::default(),
            None,
        )
        .expect("runs")
        .answer;
        let Answer::Solutions { variables, rows } = answer else {
            panic!("a SELECT gives solutions")
        };
        let table = render_table(
            &variables,
            &rows,
            &Prefixes::default(),
            &TableOptions::default(),
        );
        assert!(table.contains("case:x-1"), "{table}");
        let widths: Vec<usize> = table.lines().map(UnicodeWidthStr::width).collect();
        assert!(
            widths.windows(2).all(|w| w[0] == w[1]),
            "ragged table:\n{table}"
        );
    }

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncate("告知承诺制度", 7), "告知承…");
        assert_eq!(truncate("abc", 7), "abc");
    }

    #[test]
    fn csv_comes_from_oxigraph_serialiser() {
        let store = store_with_one_case();
        let answer = run(
            &store,
            "SELECT ?t WHERE { ?s dct:title ?t }",
            &Prefixes::default(),
            None,
        )
        .expect("runs")
        .answer;
        let mut out = Vec::new();
        write_answer(
            &answer,
            OutputFormat::Csv,
            &Prefixes::default(),
            &TableOptions::default(),
            &mut out,
        )
        .expect("writes");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "t\r\n以法治服务“小切口”\r\n"
        );
    }

    #[test]
    fn describing_with_csv_is_refused() {
        let store = store_with_one_case();
        let answer = run(&store, "DESCRIBE case:x-1", &Prefixes::default(), None)
            .expect("runs")
            .answer;
        let mut out = Vec::new();
        let err = write_answer(
            &answer,
            OutputFormat::Csv,
            &Prefixes::default(),
            &TableOptions::default(),
            &mut out,
        )
        .unwrap_err();
        assert!(matches!(err, QueryError::FormatMismatch { .. }));
    }
}
