//! A CSV file with a header row, read as text and converted column by
//! column on request, so that every error can name the file, the line and
//! the column. The iris loader is built on it, and so are the stages'
//! `--data FILE.csv` options.
//!
//! ```
//! use datasets::table::Table;
//! let csv = "length,width,kind\n1.5,0.2,a\n4.5,1.5,b\n";
//! let table = Table::parse("flowers.csv".as_ref(), csv.as_bytes())?;
//! assert_eq!(table.numeric("width")?, vec![0.2, 1.5]);
//! let err = table.numeric("kind").unwrap_err().to_string();
//! assert!(err.contains("line 2") && err.contains("kind"), "{err}");
//! # Ok::<(), datasets::Error>(())
//! ```

use std::path::{Path, PathBuf};

use nalgebra::DMatrix;

use crate::error::{Error, Result};

/// A CSV table: named columns, rows of text cells.
#[derive(Clone, Debug)]
pub struct Table {
    path: PathBuf,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    /// The 1-based line in the file where each row starts.
    lines: Vec<u64>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub fn read(path: &Path) -> Result<Table> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Table::parse(path, &bytes)
    }

    /// Parses CSV bytes with a header row; `path` names them in errors.
    /// Cells are trimmed; every row must have as many cells as the header,
    /// and there must be at least one row.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Table> {
        let csv_error = |line: u64, message: String| Error::Csv { path: path.to_path_buf(), line, message };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let header = reader.headers().map_err(|e| csv_error(1, e.to_string()))?;
        let columns: Vec<String> = header.iter().map(str::to_string).collect();
        if columns.iter().all(String::is_empty) {
            return Err(csv_error(1, "empty file: expected a header row naming the columns".into()));
        }
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        let mut counter = LineCounter::new(bytes);
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(counter.line(e.position()), e.to_string()))?;
            let line = counter.line(record.position());
            if record.len() == 1 && record[0].is_empty() {
                continue; // a blank line
            }
            if record.len() != columns.len() {
                return Err(csv_error(
                    line,
                    format!("{} fields, but the header names {} columns", record.len(), columns.len()),
                ));
            }
            rows.push(record.iter().map(str::to_string).collect());
            lines.push(line);
        }
        if rows.is_empty() {
            return Err(csv_error(1, "the file has a header but no data rows".into()));
        }
        Ok(Table { path: path.to_path_buf(), columns, rows, lines })
    }

    /// The file the table came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Column names, in file order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Always false: a table has at least one row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The 1-based line of the file where data row `row` (0-based) starts.
    ///
    /// # Panics
    /// If `row` is out of range.
    pub fn line(&self, row: usize) -> u64 {
        self.lines[row]
    }

    /// The index of a column, or an error listing the columns there are.
    pub fn column_index(&self, name: &str) -> Result<usize> {
        self.columns.iter().position(|c| c == name).ok_or_else(|| Error::NoColumn {
            path: self.path.clone(),
            column: name.to_string(),
            available: self.columns.join(", "),
        })
    }

    /// A column's cells as text.
    pub fn strings(&self, name: &str) -> Result<Vec<&str>> {
        let j = self.column_index(name)?;
        Ok(self.rows.iter().map(|r| r[j].as_str()).collect())
    }

    /// A column as finite numbers; an error names the line and column of
    /// the first cell that is not one.
    pub fn numeric(&self, name: &str) -> Result<Vec<f64>> {
        let j = self.column_index(name)?;
        self.rows
            .iter()
            .zip(&self.lines)
            .map(|(row, &line)| match row[j].parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(Error::Csv {
                    path: self.path.clone(),
                    line,
                    message: format!("column `{name}`: `{}` is not a finite number", row[j]),
                }),
            })
            .collect()
    }

    /// Several numeric columns side by side: one row per table row.
    pub fn matrix(&self, names: &[&str]) -> Result<DMatrix<f64>> {
        let columns = names.iter().map(|n| self.numeric(n)).collect::<Result<Vec<_>>>()?;
        Ok(DMatrix::from_fn(self.len(), names.len(), |i, j| columns[j][i]))
    }
}

/// Turns a CSV record's byte offset into its 1-based line number. (The
/// `csv` crate's own line count skips blank lines, and a record's byte
/// offset may point at the blank lines before it.) Offsets are asked for in
/// increasing order, so counting is linear overall.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter { bytes, offset: 0, line: 1 }
    }

    pub(crate) fn line(&mut self, position: Option<&csv::Position>) -> u64 {
        let byte = position.map_or(self.offset, |p| (p.byte() as usize).min(self.bytes.len()));
        if byte < self.offset {
            *self = LineCounter::new(self.bytes);
        }
        self.line += self.bytes[self.offset..byte].iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = byte;
        // A record's position may point at blank lines before it.
        while let Some(&b) = self.bytes.get(self.offset).filter(|&&b| b == b'\n' || b == b'\r') {
            self.line += u64::from(b == b'\n');
            self.offset += 1;
        }
        self.line
    }
}
