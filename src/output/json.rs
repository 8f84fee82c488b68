//! JSON output: pretty, stable, one document per command (an array for lists). Lists are
//! written element by element so output can start before the last page arrives.

use super::view::Record;
use super::RowWriter;
use crate::error::{Error, Result};
use serde::Serialize;

/// One value as pretty JSON followed by a newline.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::unavailable(format!("could not write JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Writes a JSON array one element at a time: `[`, elements, `]`, same text as
/// `to_json` of the whole array.
#[derive(Default)]
pub(crate) struct JsonArrayWriter {
    written: usize,
}

impl JsonArrayWriter {
    /// Appends the next elements to `out`. The page is formatted in place as one pretty
    /// array, which is exactly how its elements look inside the whole array; its `[` (and
    /// the line break after it) becomes the `,` between pages, and its closing line is
    /// dropped: no copy of the page's text.
    pub(crate) fn elements<T: Serialize>(&mut self, items: &[T], out: &mut Vec<u8>) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let start = out.len();
        let mut serializer = serde_json::Serializer::pretty(&mut *out);
        items
            .serialize(&mut serializer)
            .map_err(|e| Error::unavailable(format!("could not write JSON: {e}")))?;
        debug_assert!(out[start..].starts_with(b"[\n") && out.ends_with(b"\n]"));
        if self.written > 0 {
            out[start] = b',';
        }
        out.truncate(out.len() - 2);
        self.written += items.len();
        Ok(())
    }

    /// The closing text.
    pub(crate) fn finish(self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.written == 0 { b"[]\n" } else { b"\n]\n" });
    }
}

/// A streamed list as one JSON array.
pub(crate) struct JsonRows {
    array: JsonArrayWriter,
}

/// From how many records a push is formatted on two threads: below, a thread costs more
/// than it saves.
const TWO_THREADS_FROM: usize = 128;

impl JsonRows {
    pub(crate) fn new() -> Self {
        JsonRows {
            array: JsonArrayWriter::default(),
        }
    }
}

impl<R: Record> RowWriter<R> for JsonRows {
    fn push(&mut self, records: &[R], out: &mut Vec<u8>) -> Result<()> {
        if records.len() < TWO_THREADS_FROM || crate::cores() < 2 {
            return self.array.elements(records, out);
        }
        // The second half is formatted on another thread into its own buffer (as the
        // elements after the first half: it starts with `,`) and appended: the same text.
        let (first, second) = records.split_at(records.len() / 2);
        let mut later = Vec::new();
        let mut later_array = JsonArrayWriter {
            written: self.array.written + first.len(),
        };
        std::thread::scope(|scope| {
            let other = scope.spawn(|| later_array.elements(second, &mut later));
            let here = self.array.elements(first, out);
            let there = other
                .join()
                .unwrap_or_else(|_| Err(Error::unavailable("could not write JSON".to_string())));
            here.and(there)
        })?;
        out.extend_from_slice(&later);
        self.array.written += second.len();
        Ok(())
    }

    fn finish(self: Box<Self>, out: &mut Vec<u8>) -> Result<()> {
        self.array.finish(out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn streamed_array_equals_whole_array() {
        let items = vec![json!({"a": 1, "b": [1, 2]}), json!({"a": 2}), json!("x")];
        let mut writer = JsonArrayWriter::default();
        let mut text = Vec::new();
        writer.elements(&items[..2], &mut text).unwrap();
        writer.elements(&items[2..2], &mut text).unwrap();
        writer.elements(&items[2..], &mut text).unwrap();
        writer.finish(&mut text);
        assert_eq!(String::from_utf8(text).unwrap(), to_json(&items).unwrap());
        let empty: Vec<serde_json::Value> = vec![];
        let mut text = Vec::new();
        JsonArrayWriter::default().finish(&mut text);
        assert_eq!(String::from_utf8(text).unwrap(), to_json(&empty).unwrap());
    }
}
