//! `credits aco FILE|-`: Partner Center's Azure Credit Offer balance file, summarised per
//! credit, with `--customer`, `--min` and `--expiring-within`. No sign-in, no network.

use super::settle;
use crate::aco::{self, AcoCredit, AcoFile};
use crate::checks::{self, Thresholds};
use crate::cli::AcoArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::views::AcoTotals;
use std::collections::BTreeSet;

pub(crate) fn run(context: &Context, args: AcoArgs) -> Result<()> {
    // Bad flags fail before the file is read.
    let minimum = Thresholds::parse("--min", &args.min)?;
    let within_days = args
        .expiring_within
        .as_deref()
        .map(checks::parse_days)
        .transpose()?;
    let as_of = context.settings.as_of.value;
    let (name, read) = if args.file == "-" {
        let input = text_only("stdin", std::io::stdin().lock())?;
        ("stdin".to_string(), aco::read("stdin", input, as_of))
    } else {
        let file = std::fs::File::open(&args.file).map_err(|e| {
            Error::usage(format!(
                "could not open {}: {e}; give the balance file downloaded from Partner Center, or - for standard input",
                args.file
            ))
        })?;
        let reader = std::io::BufReader::with_capacity(1 << 20, file);
        let reader = text_only(&args.file, reader)?;
        (args.file.clone(), aco::read(&args.file, reader, as_of))
    };
    let read = read.map_err(|e| Error::usage(format!("could not read {name}: {e}")))?;
    let mut credits = match read {
        AcoFile::Credits(credits) => credits,
        AcoFile::Bad(lines) => {
            let stderr = context.printer.stderr();
            for line in &lines {
                stderr.line(line);
            }
            return Err(Error::usage(format!(
                "{} in {name} could not be read (above); nothing was printed",
                if lines.len() == 1 {
                    "1 line".to_string()
                } else {
                    format!("{} lines", lines.len())
                }
            )));
        }
    };
    if credits.is_empty() {
        context
            .printer
            .note(&format!("{name} has a header but no rows: no credits"));
    }
    if let Some(customer) = &args.customer {
        let wanted = customer.trim().to_lowercase();
        let known: BTreeSet<String> = credits.iter().map(|c| c.customer_id.clone()).collect();
        credits.retain(|c| c.customer_id.to_lowercase() == wanted);
        if credits.is_empty() {
            let listed: Vec<String> = known.into_iter().take(10).collect();
            return Err(Error::not_found(format!(
                "{name} has no row for customer {customer:?}; its customers include: {}",
                if listed.is_empty() {
                    "none".to_string()
                } else {
                    listed.join(", ")
                }
            )));
        }
    }
    // Every check is judged before anything is written.
    let ledger = checks::aco_ledger(&credits, minimum.as_ref(), as_of, within_days)?;
    // Written a few credits at a time (each formatted while the one before is written): JSON
    // and csv stream, whatever the file's size.
    let mut list = context.printer.list::<AcoCredit>();
    let _: crate::output::Flow = list.push_all(&credits, 256)?;
    list.finish()?;
    context.printer.emit_footer(&AcoTotals(&credits))?;
    settle::<()>(context, &[], &ledger)
}

/// A file that is not UTF-8 text is one line naming what it is, never its raw bytes. The
/// first 64 KiB are read whole (a pipe may hand them over a few bytes at a time), checked,
/// and read again ahead of the rest.
fn text_only<R: std::io::Read>(name: &str, mut input: R) -> Result<impl std::io::Read> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64 * 1024);
    input
        .by_ref()
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::usage(format!("could not read {name}: {e}")))?;
    if let Some(why) = aco::not_utf8_text(&head) {
        return Err(Error::usage(format!("{name} {why}")));
    }
    Ok(std::io::Cursor::new(head).chain(input))
}
