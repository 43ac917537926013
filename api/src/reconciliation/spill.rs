//! A run's findings as they are found: every item written to a temporary file of its list (read
//! back when the run is saved), each list's first [`ANSWERED`] kept for the answer. A province's
//! payroll, or a million made-up rows, never holds its findings in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};

use serde::{Deserialize, Serialize};

use super::Item;

/// The most items of each list the upload's answer carries; the saved run has them all.
pub const ANSWERED: usize = 1_000;

/// An item as the temporary file keeps it.
#[derive(Serialize, Deserialize)]
pub(super) struct Stored {
    pub line: Option<i32>,
    pub name: String,
    pub national_id: String,
    pub institution: Option<String>,
    pub paid_by: Option<String>,
    pub reason: Option<String>,
    pub staff_id: Option<i32>,
}

/// Every item found so far, by list (in the order of `super::LISTS`).
pub(super) struct Spill {
    files: Vec<BufWriter<File>>,
    pub counts: [usize; 5],
}

impl Spill {
    pub fn new() -> io::Result<Self> {
        let files = (0..5).map(|_| tempfile::tempfile().map(BufWriter::new)).collect::<io::Result<_>>()?;
        Ok(Self { files, counts: [0; 5] })
    }

    pub fn add(&mut self, list: usize, item: &Item) -> io::Result<()> {
        let stored = Stored {
            line: item.line,
            name: item.name.clone(),
            national_id: item.national_id.clone(),
            institution: item.institution.clone(),
            paid_by: item.paid_by.clone(),
            reason: item.reason.clone(),
            staff_id: item.staff_id,
        };
        serde_json::to_writer(&mut self.files[list], &stored)?;
        self.files[list].write_all(b"\n")?;
        self.counts[list] += 1;
        Ok(())
    }

    /// Each list's items back, in the order they were found.
    pub fn read_back(self) -> io::Result<Vec<impl Iterator<Item = io::Result<Stored>>>> {
        self.files
            .into_iter()
            .map(|file| {
                let mut file = file.into_inner().map_err(|e| e.into_error())?;
                file.rewind()?;
                Ok(BufReader::new(file)
                    .lines()
                    .map(|line| line.and_then(|l| serde_json::from_str(&l).map_err(io::Error::other))))
            })
            .collect()
    }
}
