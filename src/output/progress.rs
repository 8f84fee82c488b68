//! The progress line: on a terminal's stderr, when a fetch takes longer than about a second,
//! one line says what is being fetched (billing accounts, profile 3 of 12, page 4) and is
//! redrawn in place. It is cleared before anything else is written, stops for good once
//! data is on stdout, and writes nothing at all when stderr is not a terminal, with `-v`, or
//! with `--no-progress` / `CREDITS_NO_PROGRESS`.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a fetch may take before the line appears.
const DELAY: Duration = Duration::from_millis(1000);
const TICK: Duration = Duration::from_millis(120);
const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/// The line never wraps: it is cut to the terminal's width, and never longer than this.
const MAX_WIDTH: usize = 70;
/// The width assumed when the terminal does not say (stdout may be a pipe).
const FALLBACK_WIDTH: usize = 40;

/// `text` cut to `width` display columns, with `…` when it was cut.
fn cut_to_width(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if super::grid::display_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[derive(Default)]
struct State {
    /// What is being fetched, e.g. "billing profile 3 of 12".
    stage: Option<String>,
    page: Option<usize>,
    /// Whether the line is on the screen now.
    shown: bool,
    frame: usize,
}

/// Shared by the printer, the resolver and the client's observer.
pub(crate) struct Progress {
    enabled: bool,
    started: Instant,
    state: Mutex<State>,
    /// Set once data is on stdout (or the command is over): the line never comes back.
    done: AtomicBool,
}

impl Progress {
    pub(crate) fn new(enabled: bool) -> Arc<Self> {
        let progress = Arc::new(Progress {
            enabled,
            started: Instant::now(),
            state: Mutex::new(State::default()),
            done: AtomicBool::new(false),
        });
        if enabled {
            // The ticker redraws while the command awaits Azure; it holds only a weak
            // reference, so it ends with the printer.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let weak = Arc::downgrade(&progress);
                runtime.spawn(async move {
                    loop {
                        tokio::time::sleep(TICK).await;
                        let Some(progress) = weak.upgrade() else {
                            break;
                        };
                        if progress.done.load(Ordering::Relaxed) {
                            break;
                        }
                        progress.draw();
                    }
                });
            }
        }
        progress
    }

    /// What is being fetched now (the page count starts again).
    pub(crate) fn stage(&self, text: impl Into<String>) {
        if !self.enabled {
            return;
        }
        if let Ok(mut state) = self.state.lock() {
            state.stage = Some(text.into());
            state.page = None;
        }
    }

    /// Page `number` of the current list.
    pub(crate) fn page(&self, number: usize) {
        if !self.enabled {
            return;
        }
        if let Ok(mut state) = self.state.lock() {
            state.page = Some(number);
        }
    }

    fn draw(&self) {
        if self.started.elapsed() < DELAY {
            return;
        }
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if self.done.load(Ordering::Relaxed) {
            return;
        }
        let Some(stage) = state.stage.clone() else {
            return;
        };
        let spinner = SPINNER[state.frame % SPINNER.len()];
        state.frame += 1;
        let text = match state.page {
            Some(page) => format!("{spinner} Fetching {stage}, page {page}…"),
            None => format!("{spinner} Fetching {stage}…"),
        };
        // Escaped first, then cut to what fits on one row: a line that wrapped could not be
        // cleared in place.
        let text = super::safe::for_terminal(&text).into_owned();
        let room = super::terminal::stderr_width()
            .unwrap_or(FALLBACK_WIDTH)
            .saturating_sub(1)
            .clamp(10, MAX_WIDTH);
        let text = cut_to_width(&text, room);
        let mut err = std::io::stderr().lock();
        if err
            .write_all(format!("\r\u{1b}[2K{text}").as_bytes())
            .and_then(|()| err.flush())
            .is_ok()
        {
            state.shown = true;
        }
    }

    /// Takes the line off the screen (before any other output).
    pub(crate) fn clear(&self) {
        if !self.enabled {
            return;
        }
        if let Ok(mut state) = self.state.lock() {
            if state.shown {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(b"\r\x1b[2K").and_then(|()| err.flush());
                state.shown = false;
            }
        }
    }

    /// No more progress: data is on stdout, or the command is over.
    pub(crate) fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        self.clear();
    }
}
