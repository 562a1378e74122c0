//! What the emulator has to tell a person: Actions' console output and errors, and warnings
//! such as "Actions were skipped". Kept in memory for tests and handed to a sink (the
//! `emulate` command prints them).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// `emulator`, or the name of the Action that wrote it.
    pub source: String,
    /// `log`, `info`, `warn`, `error` or `debug`.
    pub level: String,
    pub text: String,
}

/// Receives every message as it happens.
#[derive(Clone)]
pub struct MessageSink(pub Arc<dyn Fn(&Message) + Send + Sync>);

impl std::fmt::Debug for MessageSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MessageSink")
    }
}

/// Bounds memory when nobody reads the messages.
const KEPT: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct Messages {
    kept: Mutex<Vec<Message>>,
    sink: Option<MessageSink>,
    said_once: Mutex<HashSet<&'static str>>,
}

impl Messages {
    pub(crate) fn new(sink: Option<MessageSink>) -> Self {
        Self {
            sink,
            ..Self::default()
        }
    }

    pub(crate) fn push(&self, message: Message) {
        if let Some(sink) = &self.sink {
            (sink.0)(&message);
        }
        let mut kept = self.kept.lock().expect("messages lock");
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push(message);
    }

    pub(crate) fn emulator(&self, level: &str, text: impl Into<String>) {
        self.push(Message {
            source: "emulator".into(),
            level: level.into(),
            text: text.into(),
        });
    }

    /// Says `text` the first time `key` is seen only.
    pub(crate) fn once(&self, key: &'static str, level: &str, text: impl Into<String>) {
        if self.said_once.lock().expect("messages lock").insert(key) {
            self.emulator(level, text);
        }
    }

    pub(crate) fn all(&self) -> Vec<Message> {
        self.kept.lock().expect("messages lock").clone()
    }
}
