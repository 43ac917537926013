//! What a request's changes touched and, after a dry run, what they would have left: kept with
//! the request's scope, so the scope's own look-ups note what a change reads for writing. The
//! dry run itself (rolling back, answering from this) is `crate::dry_run`, above the rooms.

use std::collections::HashMap;
use std::sync::Mutex;

use entity::{establishment_balance, institution};

use crate::figures::StaffCounts;

#[derive(Default, Debug)]
pub struct DryRun {
    state: Mutex<State>,
}

#[derive(Default, Debug)]
struct State {
    touched: Vec<i32>,
    answer: Option<Answer>,
}

/// The touched institutions as a dry run leaves them.
#[derive(Debug)]
pub struct Answer {
    pub rows: Vec<institution::Model>,
    pub balances: HashMap<i32, Vec<establishment_balance::Model>>,
    pub counts: HashMap<i32, StaffCounts>,
}

impl DryRun {
    /// Notes an institution a change reads for writing (its figures are part of the answer).
    pub fn touch(&self, id: i32) {
        if let Ok(mut state) = self.state.lock()
            && !state.touched.contains(&id)
        {
            state.touched.push(id);
        }
    }

    /// The institutions touched so far.
    pub fn touched(&self) -> Vec<i32> {
        self.state.lock().map(|s| s.touched.clone()).unwrap_or_default()
    }

    /// Keeps what a dry run would have left, for the request's answer.
    pub fn answered(&self, answer: Answer) {
        if let Ok(mut state) = self.state.lock() {
            state.answer = Some(answer);
        }
    }

    /// What a dry run would have left, once.
    pub fn take_answer(&self) -> Option<Answer> {
        self.state.lock().ok().and_then(|mut s| s.answer.take())
    }
}
