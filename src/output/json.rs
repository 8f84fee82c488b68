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
    /// The text for the next elements. The page is formatted as one pretty array and its
    /// brackets dropped, which is exactly how those elements look inside the whole array.
    pub(crate) fn elements<T: Serialize>(&mut self, items: &[T]) -> Result<String> {
        if items.is_empty() {
            return Ok(String::new());
        }
        let array = serde_json::to_string_pretty(items)
            .map_err(|e| Error::unavailable(format!("could not write JSON: {e}")))?;
        let inner = array
            .strip_prefix("[\n")
            .and_then(|rest| rest.strip_suffix("\n]"))
            .unwrap_or(&array);
        let separator = if self.written == 0 { "[\n" } else { ",\n" };
        self.written += items.len();
        let mut text = String::with_capacity(inner.len() + 2);
        text.push_str(separator);
        text.push_str(inner);
        Ok(text)
    }

    /// The closing text.
    pub(crate) fn finish(self) -> String {
        if self.written == 0 {
            "[]\n".to_string()
        } else {
            "\n]\n".to_string()
        }
    }
}

/// A streamed list as one JSON array.
pub(crate) struct JsonRows {
    array: JsonArrayWriter,
}

impl JsonRows {
    pub(crate) fn new() -> Self {
        JsonRows {
            array: JsonArrayWriter::default(),
        }
    }
}

impl Default for JsonRows {
    fn default() -> Self {
        Self::new()
    }
}

impl<R: Record> RowWriter<R> for JsonRows {
    fn push(&mut self, records: &[R]) -> Result<String> {
        self.array.elements(records)
    }

    fn finish(self: Box<Self>) -> Result<String> {
        Ok(self.array.finish())
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
        let mut text = writer.elements(&items[..2]).unwrap();
        text.push_str(&writer.elements(&items[2..]).unwrap());
        text.push_str(&writer.finish());
        assert_eq!(text, to_json(&items).unwrap());
        let empty: Vec<serde_json::Value> = vec![];
        assert_eq!(
            JsonArrayWriter::default().finish(),
            to_json(&empty).unwrap()
        );
    }
}
