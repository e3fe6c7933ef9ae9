//! Tables of cases and outcomes: printed to stdout (visible with `--nocapture`) and written
//! as Markdown under `target/reliability/`, so the figures in `docs/reliability.md` can be
//! refreshed from the last run.

use std::{
    collections::BTreeMap,
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
};

/// A Markdown table built row by row.
#[derive(Clone, Debug)]
pub struct Table {
    title: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with a title and column headings.
    pub fn new(title: impl Into<String>, columns: &[&str]) -> Self {
        Self {
            title: title.into(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are left empty, extra cells are dropped.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut row: Vec<String> = cells.into_iter().map(|c| escape(&c.into())).collect();
        row.resize(self.columns.len(), String::new());
        self.rows.push(row);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How often each value appears in column `column` (by heading), for summaries.
    pub fn tally(&self, column: &str) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        if let Some(index) = self.columns.iter().position(|c| c == column) {
            for row in &self.rows {
                *counts.entry(row[index].clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    /// The table as Markdown, with `summary` below it.
    pub fn to_markdown(&self, summary: &str) -> String {
        let mut out = format!("## {}\n\n", self.title);
        let _ = writeln!(out, "| {} |", self.columns.join(" | "));
        let _ = writeln!(
            out,
            "|{}",
            self.columns.iter().map(|_| "---|").collect::<String>()
        );
        for row in &self.rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        if !summary.is_empty() {
            let _ = write!(out, "\n{summary}\n");
        }
        out
    }

    /// Prints the table and writes it to `target/reliability/<file>`; returns the path
    /// written, or `None` if the directory could not be written (the test goes on: the
    /// table on stdout is the evidence, the file a convenience).
    pub fn publish(&self, file: &str, summary: &str) -> Option<PathBuf> {
        let text = self.to_markdown(summary);
        println!("\n{text}");
        let dir = report_dir();
        let path = dir.join(file);
        match fs::create_dir_all(&dir).and_then(|()| fs::write(&path, &text)) {
            Ok(()) => {
                println!("(written to {})", path.display());
                Some(path)
            }
            Err(e) => {
                println!("(could not write {}: {e})", path.display());
                None
            }
        }
    }
}

/// `|` would end a cell early and a newline the row.
fn escape(cell: &str) -> String {
    cell.replace('|', "\\|").replace('\n', " ")
}

/// `target/reliability/` of the workspace (`$CARGO_TARGET_DIR/reliability` if set).
pub fn report_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .unwrap_or(Path::new("."))
                .join("target")
        });
    target.join("reliability")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_with_escaped_cells_and_tally() {
        let mut table = Table::new("T", &["case", "outcome"]);
        table.row(["a|b", "ok"]);
        table.row(["line\nbreak", "ok"]);
        table.row(["short"]);
        let text = table.to_markdown("2 ok");
        assert!(text.contains("| a\\|b | ok |"), "{text}");
        assert!(text.contains("| line break | ok |"), "{text}");
        assert!(text.contains("| short |  |"), "{text}");
        assert!(text.ends_with("\n2 ok\n"), "{text}");
        assert_eq!(table.tally("outcome")["ok"], 2);
        assert_eq!(table.len(), 3);
    }
}
