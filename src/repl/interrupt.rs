//! Ctrl-C: the link between the SIGINT handler and the running statement.

use oxigraph::sparql::CancellationToken;
use std::sync::{Arc, Mutex};

/// The link between the SIGINT handler and the running statement.
#[derive(Clone, Default)]
pub struct Interrupt {
    running: Arc<Mutex<Option<CancellationToken>>>,
}

impl Interrupt {
    /// Cancels the running statement; `false` when none is running.
    pub fn cancel(&self) -> bool {
        match self.running.lock() {
            Ok(running) => running.as_ref().map(|t| t.cancel()).is_some(),
            Err(_) => false,
        }
    }

    pub(crate) fn arm(&self, token: CancellationToken) -> Armed<'_> {
        if let Ok(mut running) = self.running.lock() {
            *running = Some(token);
        }
        Armed(self)
    }
}

/// Disarms the interrupt when the statement is over, however it ended.
pub(crate) struct Armed<'a>(&'a Interrupt);

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.0.running.lock() {
            *running = None;
        }
    }
}
