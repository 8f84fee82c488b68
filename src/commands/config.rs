//! `credits config path|list|get|set|unset`: the config file. `set` checks the value with
//! the same parsers the settings use, so a file `set` wrote always loads.

use crate::cli::ConfigAction;
use crate::config::{self, KEYS};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::output::views::{ConfigList, ConfigRow};
use crate::output::Printer;
use crate::settings::{validate_config_value, Environment, Source};

/// The actions that need no settings (they work even when the file or the environment
/// holds a bad value, so that they can fix it).
pub(crate) fn run_without_settings(printer: &Printer, action: &ConfigAction) -> Option<Result<()>> {
    let result = match action {
        ConfigAction::Path => {
            location().and_then(|(path, _)| printer.text(&format!("{}\n", path.display())))
        }
        ConfigAction::Get { key } => get(printer, key),
        ConfigAction::Set { key, value } => set(printer, key, Some(value)),
        ConfigAction::Unset { key } => set(printer, key, None),
        ConfigAction::List => return None,
    };
    Some(result)
}

fn location() -> Result<(std::path::PathBuf, bool)> {
    Environment::config_location().ok_or_else(|| {
        Error::usage(format!(
            "no home directory to keep the config file in; set {} to a file",
            config::CONFIG_VAR
        ))
    })
}

/// A key `config get|set|unset` takes: one of `KEYS`, or a subscription's allowance.
enum Key {
    Top(&'static str),
    /// `subscriptions.<id>.allowance`: the subscription's GUID.
    Allowance(String),
}

fn known_key(key: &str) -> Result<Key> {
    if let Some(subscription) = config::allowance_key(key) {
        return Ok(Key::Allowance(subscription));
    }
    if key.starts_with("subscriptions.") {
        return Err(Error::usage(format!(
            "{key:?} is not a config key: a subscription's allowance is subscriptions.<subscription id>.allowance, the id a GUID"
        )));
    }
    KEYS.iter().copied().find(|k| *k == key).map(Key::Top).ok_or_else(|| {
        Error::usage(format!(
            "{key:?} is not a config key; the keys are {} and subscriptions.<subscription id>.allowance",
            KEYS.join(", ")
        ))
    })
}

fn get(printer: &Printer, key: &str) -> Result<()> {
    let known = known_key(key)?;
    let (path, must_exist) = location()?;
    let file = config::load(&path, must_exist)?;
    let text = file.as_ref().and_then(|f| match &known {
        Key::Top(key) => f.get(key).map(|v| v.text.clone()),
        Key::Allowance(subscription) => f.allowance(subscription).map(|a| a.text.clone()),
    });
    match text {
        Some(text) => printer.text(&format!("{text}\n")),
        None => Err(Error::not_found(format!(
            "{key} is not set in {}",
            path.display()
        ))),
    }
}

fn set(printer: &Printer, key: &str, value: Option<&str>) -> Result<()> {
    let known = known_key(key)?;
    let (path, _) = location()?;
    let changed = match &known {
        Key::Top(key) => {
            if let Some(value) = value {
                validate_config_value(key, value)?;
            }
            config::write_value(&path, key, value.map(str::trim))?
        }
        Key::Allowance(subscription) => {
            if let Some(value) = value {
                crate::settings::parse_allowance(key, value)?;
            }
            config::write_allowance(&path, subscription, value.map(str::trim))?
        }
    };
    let shown = path.display();
    match (value, changed) {
        (Some(value), _) => printer.note(&format!("{key} = {:?} in {shown}", value.trim())),
        (None, false) => printer.note(&format!("{key} was not set in {shown}")),
        (None, true) => printer.note(&format!("{key} removed from {shown}")),
    }
    Ok(())
}

/// `config list`: every key, its value in effect and where that comes from.
pub(crate) async fn list(context: &Context) -> Result<()> {
    let settings = &context.settings;
    let row = |key: &'static str, value: Option<String>, source: Option<&Source>| ConfigRow {
        key: key.into(),
        value,
        source: source.map_or("not set".to_string(), |s| match s {
            Source::Default => "default".to_string(),
            other => other.name().trim_end_matches(':').to_string(),
        }),
    };
    let profile = settings.profile(None).ok();
    let rows = vec![
        row(
            "profile",
            profile.as_ref().map(|p| p.value.clone()),
            profile.as_ref().map(|p| &p.source),
        ),
        row(
            "endpoint",
            Some(
                settings
                    .endpoint
                    .value
                    .as_str()
                    .trim_end_matches('/')
                    .to_string(),
            ),
            Some(&settings.endpoint.source),
        ),
        row(
            "auth",
            Some(settings.auth.value.name().to_string()),
            Some(&settings.auth.source),
        ),
        row(
            "output",
            Some(settings.format.value.name().to_string()),
            Some(&settings.format.source),
        ),
        row(
            "concurrency",
            Some(settings.concurrency.value.to_string()),
            Some(&settings.concurrency.source),
        ),
        {
            let exclude = settings.exclude(&[]);
            let shown = (!exclude.value.is_empty()).then(|| exclude.value.join(", "));
            let source = (!exclude.value.is_empty()).then_some(&exclude.source);
            row("exclude", shown, source)
        },
    ];
    // Each subscription's allowance, under its dotted key.
    let mut rows = rows;
    for allowance in settings.allowances() {
        rows.push(ConfigRow {
            key: format!("subscriptions.{}.allowance", allowance.subscription).into(),
            value: Some(allowance.text.clone()),
            source: allowance.source.name().trim_end_matches(':').to_string(),
        });
    }
    context.printer.emit(&ConfigList(rows))
}
