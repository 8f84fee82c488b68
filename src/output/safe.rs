//! The one place where text from the server is made safe to show: control characters (C0,
//! DEL, C1) and bidirectional overrides become visible escapes such as `\u{1b}`, so an
//! answer can never retitle a window, clear a screen or forge a line; in a Markdown cell a
//! `|` is escaped so it cannot split the column. JSON output is never passed through here:
//! serde escapes what JSON needs and keeps the text exact.

use std::borrow::Cow;
use std::fmt::Write;

/// True for characters that would act on a terminal instead of being shown.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// True when `text` holds something `escape` would change. Most text is plain ASCII: that
/// is one branch-free (vectorised) pass over the bytes.
fn needs_escape(text: &str, pipe_too: bool) -> bool {
    // Outside Markdown cells these compare with NUL, which the control test already covers.
    let (pipe, backslash) = if pipe_too { (b'|', b'\\') } else { (0, 0) };
    let (control, non_ascii) = text.bytes().fold((false, false), |(control, high), b| {
        (
            control | (b < 0x20) | (b == 0x7f) | (b == pipe) | (b == backslash),
            high | (b >= 0x80),
        )
    });
    control || (non_ascii && text.chars().any(is_unsafe))
}

fn escape(text: &str, pipe_too: bool) -> Cow<'_, str> {
    if !needs_escape(text, pipe_too) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else if pipe_too && (c == '|' || c == '\\') {
            // A backslash too: `\|` from the server must not become an escaped backslash
            // followed by a real column separator.
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` made safe, reusing its allocation when nothing needs escaping.
pub(crate) fn into_safe(text: Cow<'_, str>, pipe_too: bool) -> String {
    if needs_escape(&text, pipe_too) {
        escape(&text, pipe_too).into_owned()
    } else {
        text.into_owned()
    }
}

/// Text for a terminal line or a terminal table cell (also used for stderr).
pub(crate) fn for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(for_terminal("plain Zürich"), "plain Zürich");
        assert_eq!(
            for_terminal("a\u{1b}]0;pwned\u{7}b"),
            "a\\u{1b}]0;pwned\\u{7}b"
        );
        assert_eq!(for_terminal("line\r\nforged"), "line\\u{d}\\u{a}forged");
        assert_eq!(
            for_terminal("\u{9b}2J \u{202e}txt"),
            "\\u{9b}2J \\u{202e}txt"
        );
        assert_eq!(for_terminal("a|b"), "a|b");
    }

    #[test]
    fn markdown_cells_escape_the_column_separator() {
        assert_eq!(escape("PO|42\n", true), "PO\\|42\\u{a}");
        assert_eq!(escape("PO\\|1", true), "PO\\\\\\|1");
    }
}
