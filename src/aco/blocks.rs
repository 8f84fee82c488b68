//! The balance file read in large blocks, each cut after the last line end that ends a
//! record, and the blocks parsed on every core at once.
//!
//! This thread reads; workers parse. A block starts at a record's first byte and ends after
//! a record's last (csv-core's quoting rules decide which line ends are inside a quoted
//! field), so each block reads alone exactly as a pass over the whole file would read it.
//! Each block knows its first line number (line ends before it, counted as csv-core counts
//! them), so messages name the same lines. The runs of rows are joined in file order as they
//! come (`Joined`, `Partial::absorb`). A fixed set of buffers goes round (one per worker, one
//! more, and the one being read): the blocks in memory are bounded whatever the file's size.
//!
//! Within a block a record without a `"` is split on its commas in place, with no copy; a
//! record with one is read by csv-core, as the csv crate would read it.

use super::rows::{Columns, Partial};
use std::io::Read;
use std::sync::mpsc;
use std::sync::Mutex;

/// How much is read before a block is cut: large enough that the threads hand over a few
/// dozen blocks for a million rows, small enough that the blocks in flight stay a few tens
/// of MB.
pub(super) const BLOCK_BYTES: usize = 8 << 20;

/// A block of whole records and where it is in the file.
struct Block {
    number: usize,
    bytes: Vec<u8>,
    /// Where its first record starts (after the header, in the first block).
    start: usize,
    /// The line number of that record.
    first_line: u64,
}

/// What the first block's header gave: the columns, or the lines that say why not.
pub(super) type Header = Result<(Columns, usize, u64), Vec<String>>;

/// Reads `input` in blocks of about `block_bytes`, parses them on `workers` threads, and
/// joins the runs. `header` reads the first block's header: the columns, and where (byte,
/// line) the first row starts.
pub(super) fn read(
    name: &str,
    mut input: impl Read,
    block_bytes: usize,
    workers: usize,
    header: impl FnOnce(&[u8]) -> std::io::Result<Header>,
) -> std::io::Result<Result<Partial, Vec<String>>> {
    let mut pending: Vec<u8> = Vec::new();
    let mut want = block_bytes;
    // The first block, for the header.
    let (mut first, mut eof) =
        next_block(&mut input, &mut pending, Vec::new(), &mut want, block_bytes)?;
    // Blank lines before the header are skipped by the header's reader: the first block
    // holds at least one other byte, or the whole input.
    while !eof && first.iter().all(u8::is_ascii_whitespace) {
        let (more, at_end) =
            next_block(&mut input, &mut pending, Vec::new(), &mut want, block_bytes)?;
        first.extend_from_slice(&more);
        eof = at_end;
    }
    let (columns, start, first_line) = match header(&first)? {
        Ok(found) => found,
        Err(lines) => return Ok(Err(lines)),
    };
    let workers = workers.max(1);
    let (job_sender, jobs) = mpsc::channel::<Block>();
    let jobs = Mutex::new(jobs);
    let (result_sender, results) = mpsc::channel::<(usize, Partial)>();
    let mut joined = Joined::default();
    // A fixed set of buffers goes round: read into, parsed, given back. It bounds the blocks
    // in flight (one per worker, one waiting, one being read), and no page is faulted in
    // twice.
    let (spare_sender, spares) = mpsc::channel::<Vec<u8>>();
    for _ in 0..=workers {
        let _ = spare_sender.send(Vec::new());
    }
    std::thread::scope(|scope| -> std::io::Result<()> {
        for _ in 0..workers {
            let (jobs, results, spare) = (&jobs, result_sender.clone(), spare_sender.clone());
            scope.spawn(move || {
                let mut reader = RecordReader::new(columns);
                loop {
                    // A poisoned lock means another worker panicked: the scope reports it.
                    let job = match jobs.lock() {
                        Ok(jobs) => jobs.recv(),
                        Err(_) => return,
                    };
                    let Ok(block) = job else { return };
                    let mut partial = Partial::default();
                    reader.parse(
                        name,
                        &block.bytes[block.start..],
                        block.first_line,
                        &mut partial,
                    );
                    if results.send((block.number, partial)).is_err() {
                        return;
                    }
                    // Nobody takes it back once the input has ended.
                    let _ = spare.send(block.bytes);
                }
            });
        }
        drop((result_sender, spare_sender));
        let mut line = first_line + line_ends(&first[start..]);
        let mut block = Block {
            number: 0,
            bytes: first,
            start,
            first_line,
        };
        loop {
            let number = block.number;
            if job_sender.send(block).is_err() {
                break; // every worker is gone (a panic, reported by the scope)
            }
            if eof {
                break;
            }
            // The runs parsed so far are joined while the next block is read: a run's
            // credits (one per credit it saw, however many rows) are dropped once joined.
            while let Ok((number, run)) = results.try_recv() {
                joined.add(number, run);
            }
            let Ok(spare) = spares.recv() else {
                break; // every worker is gone (a panic, reported by the scope)
            };
            let (bytes, at_end) =
                next_block(&mut input, &mut pending, spare, &mut want, block_bytes)?;
            eof = at_end;
            if bytes.is_empty() {
                break;
            }
            let first_line = line;
            line += line_ends(&bytes);
            block = Block {
                number: number + 1,
                bytes,
                start: 0,
                first_line,
            };
        }
        drop(job_sender);
        Ok(())
    })?;
    for (number, run) in results {
        joined.add(number, run);
    }
    let whole = joined.whole.unwrap_or_default();
    Ok(Ok(whole))
}

/// The runs joined in file order as they come: a run that arrives before the one ahead of
/// it waits (at most one per worker).
#[derive(Default)]
struct Joined {
    whole: Option<Partial>,
    next: usize,
    waiting: std::collections::BTreeMap<usize, Partial>,
}

impl Joined {
    fn add(&mut self, number: usize, run: Partial) {
        self.waiting.insert(number, run);
        while let Some(run) = self.waiting.remove(&self.next) {
            match self.whole.as_mut() {
                Some(whole) => whole.absorb(run),
                None => self.whole = Some(run),
            }
            self.next += 1;
        }
    }
}

/// Reads until `pending` holds `want` bytes (or the input ends) and cuts off the block of
/// whole records at its front; the rest stays in `pending`. A block with no record end (a
/// line longer than a block, or a quote never closed) grows until it has one or the input
/// ends. `spare` is a buffer to keep the next `pending` in. Returns the block and whether the
/// input ended.
fn next_block(
    input: &mut impl Read,
    pending: &mut Vec<u8>,
    mut spare: Vec<u8>,
    want: &mut usize,
    block_bytes: usize,
) -> std::io::Result<(Vec<u8>, bool)> {
    loop {
        let missing = want.saturating_sub(pending.len());
        let before = pending.len();
        pending.reserve(missing);
        input.by_ref().take(missing as u64).read_to_end(pending)?;
        let eof = pending.len() - before < missing;
        if eof {
            return Ok((std::mem::take(pending), true));
        }
        if let Some(cut) = last_record_end(pending) {
            spare.clear();
            spare.extend_from_slice(&pending[cut..]);
            pending.truncate(cut);
            let block = std::mem::replace(pending, spare);
            *want = block_bytes;
            return Ok((block, false));
        }
        *want = want.saturating_mul(2);
    }
}

/// Line ends, counted as csv-core counts lines: every LF, quoted or not.
fn line_ends(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Just after the last LF of `bytes` that ends a record, by csv-core's rules (delimiter `,`,
/// quote `"` doubled to escape it): a `"` opens a quoted field only as a field's first byte
/// (at the start, or after `,` or LF); inside, `""` is one quote and any other `"` closes
/// it. A `"` anywhere else is an ordinary byte. `bytes` starts at a record's start. `None`
/// when no LF there ends a record.
pub(super) fn last_record_end(bytes: &[u8]) -> Option<usize> {
    let mut found = None;
    // Outside quotes from here.
    let mut outside = 0;
    let mut from = 0;
    loop {
        // The next quote that opens a field.
        let mut open = None;
        for at in memchr::memchr_iter(b'"', &bytes[from..]).map(|i| from + i) {
            if at == 0 || matches!(bytes[at - 1], b',' | b'\n') {
                open = Some(at);
                break;
            }
        }
        let Some(open) = open else {
            if let Some(lf) = memchr::memrchr(b'\n', &bytes[outside..]) {
                found = Some(outside + lf + 1);
            }
            return found;
        };
        if let Some(lf) = memchr::memrchr(b'\n', &bytes[outside..open]) {
            found = Some(outside + lf + 1);
        }
        // Its closing quote.
        let mut at = open + 1;
        loop {
            let Some(quote) = memchr::memchr(b'"', &bytes[at..]).map(|i| at + i) else {
                return found; // still open where the bytes end
            };
            match bytes.get(quote + 1) {
                Some(b'"') => at = quote + 2,
                // A last `"` may be the first of a pair: the field may still be open.
                None => return found,
                Some(_) => {
                    outside = quote + 1;
                    from = quote + 1;
                    break;
                }
            }
        }
    }
}

/// Reads the records of blocks: split in place when they hold no quote, by csv-core when
/// they do. Its buffers are kept from block to block.
pub(super) struct RecordReader {
    columns: Columns,
    /// Where each field of the record being read starts and ends.
    bounds: Vec<(usize, usize)>,
    core: csv_core::Reader,
    unquoted: Vec<u8>,
    ends: Vec<usize>,
}

impl RecordReader {
    pub(super) fn new(columns: Columns) -> RecordReader {
        RecordReader {
            columns,
            bounds: Vec::with_capacity(columns.width),
            core: csv_core::ReaderBuilder::new()
                .terminator(csv_core::Terminator::Any(b'\n'))
                .build(),
            unquoted: vec![0; 4096],
            ends: vec![0; 64],
        }
    }

    /// Reads every record of `bytes` (whole records; the first on line `line`).
    pub(super) fn parse(&mut self, name: &str, bytes: &[u8], mut line: u64, into: &mut Partial) {
        // Text once for the block; a block that is not UTF-8 is judged field by field.
        let text = std::str::from_utf8(bytes).ok();
        let has_quotes = memchr::memchr(b'"', bytes).is_some();
        let mut at = 0;
        while at < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            let record = &bytes[at..end];
            if has_quotes && memchr::memchr(b'"', record).is_some() {
                let used = self.quoted(name, &bytes[at..], line, into);
                line += line_ends(&bytes[at..at + used]);
                at += used;
                continue;
            }
            // A blank line (only spaces and commas) is no row.
            if !record.iter().all(|b| b.is_ascii_whitespace() || *b == b',') {
                // No line break inside (a CR is only the line's last byte): fields need not
                // be searched for one.
                let clean = match record.split_last() {
                    Some((_, body)) => memchr::memchr(b'\r', body).is_none(),
                    None => true,
                };
                self.bounds.clear();
                let mut field_start = 0;
                // Fields are short: a plain loop finds their commas faster than a search.
                for (comma, _) in record.iter().enumerate().filter(|(_, b)| **b == b',') {
                    self.bounds.push((at + field_start, at + comma));
                    field_start = comma + 1;
                    if self.bounds.len() == self.columns.width {
                        break;
                    }
                }
                if self.bounds.len() < self.columns.width {
                    self.bounds.push((at + field_start, end));
                }
                let fields =
                    self.columns
                        .at
                        .map(|column| match column.and_then(|c| self.bounds.get(c)) {
                            None => Ok(""),
                            Some(&(start, end)) => match text {
                                Some(text) => text.get(start..end).ok_or(()),
                                None => std::str::from_utf8(&bytes[start..end]).map_err(|_| ()),
                            },
                        });
                into.row(name, line, &fields, clean);
            }
            line += 1;
            at = end + 1;
        }
    }

    /// Reads the record at the start of `bytes` with csv-core; returns the bytes it used.
    fn quoted(&mut self, name: &str, bytes: &[u8], line: u64, into: &mut Partial) -> usize {
        use csv_core::ReadRecordResult;
        self.core.reset();
        let (mut used, mut written, mut fields) = (0, 0, 0);
        loop {
            // A reset csv-core drops a byte-order mark at the start of what it reads first:
            // only the file's first bytes may lose one (the header's, read apart). One byte
            // first leaves a record's bytes as they are.
            let input = if used == 0 {
                &bytes[..1.min(bytes.len())]
            } else {
                &bytes[used..]
            };
            let (result, read, wrote, ended) = self.core.read_record(
                input,
                &mut self.unquoted[written..],
                &mut self.ends[fields..],
            );
            used += read;
            written += wrote;
            fields += ended;
            match result {
                // The block ends with the record: an empty input next tells csv-core so.
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let longer = self.unquoted.len() * 2;
                    self.unquoted.resize(longer, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let longer = self.ends.len() * 2;
                    self.ends.resize(longer, 0);
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        let unquoted = &self.unquoted[..written];
        let ends = &self.ends[..fields];
        let span = |i: usize| (if i == 0 { 0 } else { ends[i - 1] }, ends[i]);
        let blank = (0..fields).all(|i| {
            let (start, end) = span(i);
            unquoted[start..end].iter().all(u8::is_ascii_whitespace)
        });
        if !blank {
            let text = std::str::from_utf8(unquoted).ok();
            let fields = self
                .columns
                .at
                .map(|column| match column.filter(|c| *c < fields) {
                    None => Ok(""),
                    Some(c) => {
                        let (start, end) = span(c);
                        match text {
                            Some(text) => text.get(start..end).ok_or(()),
                            None => std::str::from_utf8(&unquoted[start..end]).map_err(|_| ()),
                        }
                    }
                });
            into.row(name, line, &fields, false);
        }
        used
    }
}
