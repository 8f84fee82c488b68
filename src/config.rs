//! The config file: `$XDG_CONFIG_HOME/credits/config.toml` (else `~/.config/credits/
//! config.toml`; `%APPDATA%\credits\config.toml` on Windows), or the file `CREDITS_CONFIG`
//! names, which must exist. Keys: `profile`, `endpoint`, `auth`, `output`, `concurrency`.
//! This module reads and writes the file; `settings` decides what its values mean and where
//! they stand in the precedence (flag > environment > file > default).
//!
//! Must not: apply a value (settings does), or write anything but the file it was asked to.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) const CONFIG_VAR: &str = "CREDITS_CONFIG";

/// The keys the file may hold, in the order `config list` shows them.
pub(crate) const KEYS: [&str; 6] = [
    "profile",
    "endpoint",
    "auth",
    "output",
    "concurrency",
    "exclude",
];

/// Files larger than this are not a config file.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// One value of the file, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigValue {
    pub(crate) key: &'static str,
    /// The value as text (`concurrency = 8` is `"8"`).
    pub(crate) text: String,
    pub(crate) line: usize,
}

/// A subscription's monthly credit allowance: `[subscriptions."<id>"] allowance = "150USD"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AllowanceValue {
    /// The subscription's GUID, lower case.
    pub(crate) subscription: String,
    pub(crate) text: String,
    pub(crate) line: usize,
}

/// The table that holds per-subscription settings.
pub(crate) const SUBSCRIPTIONS: &str = "subscriptions";

/// The subscription a dotted key `subscriptions.<id>.allowance` names (its GUID, lower
/// case), or `None` when the key is not of that form.
pub(crate) fn allowance_key(key: &str) -> Option<String> {
    let rest = key.strip_prefix("subscriptions.")?;
    let id = rest.strip_suffix(".allowance")?;
    let id = id.trim_matches('"');
    crate::model::subscription::subscription_guid(id).map(str::to_ascii_lowercase)
}

/// The file as read: where it is, its values, and what in it was ignored.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConfigFile {
    pub(crate) path: PathBuf,
    pub(crate) values: Vec<ConfigValue>,
    /// Per-subscription allowances, in file order.
    pub(crate) allowances: Vec<AllowanceValue>,
    /// Unknown keys: warned about, the rest applies.
    pub(crate) warnings: Vec<String>,
}

impl ConfigFile {
    pub(crate) fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.values.iter().find(|v| v.key == key)
    }

    /// The allowance set for a subscription (its GUID, any case).
    pub(crate) fn allowance(&self, subscription: &str) -> Option<&AllowanceValue> {
        self.allowances
            .iter()
            .find(|a| a.subscription.eq_ignore_ascii_case(subscription))
    }
}

/// Where the config file is: the file `CREDITS_CONFIG` names (then it must exist), else
/// `$XDG_CONFIG_HOME/credits/config.toml`, else `~/.config/credits/config.toml`
/// (`%APPDATA%\\credits\\config.toml` on Windows). The variables are read by `settings`.
/// `None` when there is no home to put it in.
pub(crate) fn location(
    config_var: Option<&std::ffi::OsStr>,
    xdg_config_home: Option<&std::ffi::OsStr>,
) -> Option<(PathBuf, bool)> {
    if let Some(named) = config_var.filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(named), true));
    }
    if cfg!(windows) {
        return dirs::config_dir().map(|dir| (dir.join("credits").join("config.toml"), false));
    }
    let xdg = xdg_config_home
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute());
    xdg.or_else(|| dirs::home_dir().map(|home| home.join(".config")))
        .map(|dir| (dir.join("credits").join("config.toml"), false))
}

/// Reads the file at `path`. A missing file is no config, unless `must_exist`. A file that
/// cannot be read or parsed, or a value of the wrong type, is a usage error naming the file
/// and line.
pub(crate) fn load(path: &Path, must_exist: bool) -> Result<Option<ConfigFile>> {
    let text = match read_bounded(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok(None)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::usage(format!(
                "{CONFIG_VAR} names {}, which does not exist; create it (`credits config set KEY VALUE` does) or unset {CONFIG_VAR}",
                path.display()
            )))
        }
        Err(error) => {
            return Err(Error::usage(format!(
                "could not read the config file {}: {error}",
                path.display()
            )))
        }
    };
    parse(path, &text).map(Some)
}

fn read_bounded(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    let read = file.take(MAX_CONFIG_BYTES + 1).read_to_string(&mut text);
    match read {
        Ok(n) if n as u64 > MAX_CONFIG_BYTES => Err(std::io::Error::other(format!(
            "it is larger than {} KiB",
            MAX_CONFIG_BYTES / 1024
        ))),
        Ok(_) => Ok(text),
        Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
            Err(std::io::Error::other("it is not UTF-8 text"))
        }
        Err(error) => Err(error),
    }
}

/// The line (1-based) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Removes `key`; the comments above it stay, above the key that followed it (or at the
/// end of the file).
fn remove_keeping_comments(document: &mut toml_edit::DocumentMut, key: &str) -> bool {
    let position = document.iter().position(|(name, _)| name == key);
    let Some((removed, _)) = document.remove_entry(key) else {
        return false;
    };
    let comments: String = removed
        .leaf_decor()
        .prefix()
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_string();
    if comments.trim().is_empty() {
        return true;
    }
    let next = position.and_then(|at| document.iter().nth(at).map(|(name, _)| name.to_string()));
    match next.and_then(|name| document.get_key_value_mut(&name)) {
        Some((mut next_key, _)) => {
            let before = next_key
                .leaf_decor()
                .prefix()
                .and_then(|p| p.as_str())
                .unwrap_or("")
                .to_string();
            next_key
                .leaf_decor_mut()
                .set_prefix(format!("{comments}{before}"));
        }
        None => {
            let trailing = document.trailing().as_str().unwrap_or("").to_string();
            document.set_trailing(format!("{comments}{trailing}"));
        }
    }
    true
}

/// A TOML syntax error as one line naming the file and the line.
fn syntax_error(path: &Path, text: &str, error: &toml_edit::TomlError) -> Error {
    let line = error.span().map_or(1, |span| line_of(text, span.start));
    let why = error.message().lines().next().unwrap_or("not TOML").trim();
    Error::usage(format!(
        "{}:{line}: {why}; the file must be TOML, e.g. profile = \"Development\"",
        path.display()
    ))
}

/// Parses the file's text: top-level keys only, each a string (or, for `concurrency`, a
/// whole number).
pub(crate) fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
    let shown = path.display();
    let document =
        toml_edit::Document::parse(text).map_err(|error| syntax_error(path, text, &error))?;
    let mut file = ConfigFile {
        path: path.to_path_buf(),
        ..ConfigFile::default()
    };
    for (name, item) in document.iter() {
        let line = document
            .as_table()
            .key(name)
            .and_then(|k| k.span())
            .or_else(|| item.span())
            .map_or(1, |span| line_of(text, span.start));
        if name == SUBSCRIPTIONS {
            read_subscriptions(path, text, item, &mut file)?;
            continue;
        }
        let Some(key) = KEYS.iter().copied().find(|k| *k == name) else {
            file.warnings.push(format!(
                "{shown}:{line}: unknown key {name:?} is ignored; the keys are {}",
                KEYS.join(", ")
            ));
            continue;
        };
        let value = item.as_value();
        let text = match (key, value) {
            (_, Some(toml_edit::Value::String(s))) => s.value().clone(),
            ("concurrency", Some(toml_edit::Value::Integer(n))) => n.value().to_string(),
            // `exclude = ["Marketing", "Archive"]`: one name a line.
            ("exclude", Some(toml_edit::Value::Array(names)))
                if names.iter().all(|n| n.as_str().is_some()) =>
            {
                names
                    .iter()
                    .filter_map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            _ => {
                let example = if key == "concurrency" {
                    "concurrency = 8".to_string()
                } else {
                    format!("{key} = \"...\"")
                };
                return Err(Error::usage(format!(
                    "{shown}:{line}: {key} must be {}, e.g. {example}",
                    if key == "concurrency" {
                        "a whole number"
                    } else {
                        "a string"
                    }
                )));
            }
        };
        file.values.push(ConfigValue { key, text, line });
    }
    Ok(file)
}

/// `[subscriptions."<id>"]` tables: each id a subscription GUID, each with `allowance`, a
/// string; anything else is said and ignored, a value of the wrong type refused.
fn read_subscriptions(
    path: &Path,
    text: &str,
    item: &toml_edit::Item,
    file: &mut ConfigFile,
) -> Result<()> {
    let shown = path.display();
    let line_at = |span: Option<std::ops::Range<usize>>| span.map_or(1, |s| line_of(text, s.start));
    let Some(table) = item.as_table_like() else {
        return Err(Error::usage(format!(
            "{shown}:{}: subscriptions must be a table, e.g. [subscriptions.\"<subscription id>\"] allowance = \"150USD\"",
            line_at(item.span())
        )));
    };
    for (id, entry) in table.iter() {
        let line = line_at(entry.span());
        let Some(guid) = crate::model::subscription::subscription_guid(id) else {
            file.warnings.push(format!(
                "{shown}:{line}: subscriptions.{id:?} is ignored: a subscription is named by its id (a GUID)"
            ));
            continue;
        };
        let Some(settings) = entry.as_table_like() else {
            return Err(Error::usage(format!(
                "{shown}:{line}: subscriptions.\"{id}\" must be a table, e.g. allowance = \"150USD\""
            )));
        };
        for (key, value) in settings.iter() {
            let line = line_at(value.span()).max(line);
            if key != "allowance" {
                file.warnings.push(format!(
                    "{shown}:{line}: unknown key subscriptions.\"{id}\".{key} is ignored; a subscription takes allowance"
                ));
                continue;
            }
            let Some(allowance) = value.as_str() else {
                return Err(Error::usage(format!(
                    "{shown}:{line}: subscriptions.\"{id}\".allowance must be a string, e.g. allowance = \"150USD\""
                )));
            };
            // Checked as the loader applies it, like every other value of the file.
            crate::settings::parse_allowance(
                &format!("{shown}:{line}: subscriptions.\"{id}\".allowance"),
                allowance,
            )?;
            if file
                .allowances
                .iter()
                .any(|a| a.subscription.eq_ignore_ascii_case(guid))
            {
                file.warnings.push(format!(
                    "{shown}:{line}: subscription {guid} has an allowance already (ids are read without regard to case): this one is ignored"
                ));
                continue;
            }
            file.allowances.push(AllowanceValue {
                subscription: guid.to_ascii_lowercase(),
                text: allowance.to_string(),
                line,
            });
        }
    }
    Ok(())
}

/// `config set` / `config unset` of `subscriptions.<id>.allowance`: the same as
/// `write_value`, in the subscription's table (created when needed, removed when emptied).
pub(crate) fn write_allowance(
    path: &Path,
    subscription: &str,
    value: Option<&str>,
) -> Result<bool> {
    edit(path, |document| {
        // The table already there for this subscription, whatever the case of its id (the
        // loader reads ids without regard to case): one table, never two.
        let existing = document
            .get(SUBSCRIPTIONS)
            .and_then(|t| t.as_table_like())
            .and_then(|t| {
                t.iter().map(|(key, _)| key.to_string()).find(|key| {
                    crate::model::subscription::subscription_guid(key)
                        .is_some_and(|g| g.eq_ignore_ascii_case(subscription))
                })
            });
        let subscription = existing.as_deref().unwrap_or(subscription);
        let before = document
            .get(SUBSCRIPTIONS)
            .and_then(|t| t.get(subscription))
            .and_then(|t| t.get("allowance"))
            .and_then(|v| v.as_str())
            .map(str::to_string);
        if before.as_deref() == value {
            return Ok(false);
        }
        match value {
            Some(value) => {
                if document.get(SUBSCRIPTIONS).is_none() {
                    let mut table = toml_edit::Table::new();
                    table.set_implicit(true);
                    document[SUBSCRIPTIONS] = toml_edit::Item::Table(table);
                }
                let subscriptions = document[SUBSCRIPTIONS].as_table_mut().ok_or_else(|| {
                    Error::usage(
                        "subscriptions in the config file is not a table; fix or remove it",
                    )
                })?;
                if subscriptions.get(subscription).is_none() {
                    subscriptions[subscription] = toml_edit::Item::Table(toml_edit::Table::new());
                }
                subscriptions[subscription]["allowance"] = toml_edit::value(value);
            }
            None => {
                if let Some(table) = document
                    .get_mut(SUBSCRIPTIONS)
                    .and_then(|t| t.as_table_mut())
                {
                    if let Some(entry) = table.get_mut(subscription).and_then(|t| t.as_table_mut())
                    {
                        entry.remove("allowance");
                        if entry.is_empty() {
                            table.remove(subscription);
                        }
                    }
                    if table.is_empty() {
                        document.remove(SUBSCRIPTIONS);
                    }
                }
            }
        }
        Ok(true)
    })
}

/// `config set` / `config unset`: the file with `key` set to `value` (or removed), comments
/// and everything else kept, written atomically (a temporary file in the same directory,
/// 0600, renamed over the old one). Creates the directory. Returns whether anything changed.
pub(crate) fn write_value(path: &Path, key: &str, value: Option<&str>) -> Result<bool> {
    edit(path, |document| {
        let before = document
            .get(key)
            .and_then(|item| item.as_value())
            .map(|v| match v {
                toml_edit::Value::String(s) => s.value().clone(),
                toml_edit::Value::Integer(n) => n.value().to_string(),
                other => other.to_string(),
            });
        if before.as_deref() == value {
            return Ok(false);
        }
        let changed = match value {
            Some(value) => {
                let item = if key == "concurrency" {
                    let n: i64 = value.trim().parse().map_err(|_| {
                        Error::usage(format!("concurrency {value:?} is not a whole number"))
                    })?;
                    toml_edit::value(n)
                } else {
                    toml_edit::value(value)
                };
                // The first key of a file of comments goes after them, not above them.
                let comments_only = document.is_empty();
                document[key] = item;
                if comments_only {
                    let comments = document.trailing().as_str().unwrap_or("").to_string();
                    document.set_trailing("");
                    if let Some((mut new_key, _)) = document.get_key_value_mut(key) {
                        new_key.leaf_decor_mut().set_prefix(comments);
                    }
                }
                true
            }
            None => remove_keeping_comments(document, key),
        };
        Ok(changed)
    })
}

/// Reads the file at `path` (a link: the file it leads to), lets `change` edit it, and
/// writes it back atomically when `change` says it changed anything.
fn edit(
    path: &Path,
    change: impl FnOnce(&mut toml_edit::DocumentMut) -> Result<bool>,
) -> Result<bool> {
    // A config file that is a link (into a dotfiles repository) stays one: the file it points
    // to is the one rewritten.
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            resolved = std::fs::canonicalize(path).map_err(|e| {
                Error::usage(format!(
                    "the config file {} is a link that leads nowhere ({e}); fix or remove the link",
                    path.display()
                ))
            })?;
            resolved.as_path()
        }
        _ => path,
    };
    let existing = match read_bounded(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            return Err(Error::usage(format!(
                "could not read the config file {}: {error}",
                path.display()
            )))
        }
    };
    // A file that is not TOML is not rewritten: the user's text could be lost. A value of the
    // wrong type is no obstacle: setting or removing it is how one fixes it.
    let mut document: toml_edit::DocumentMut = existing
        .parse()
        .map_err(|e| syntax_error(path, &existing, &e))?;
    if !change(&mut document)? {
        return Ok(false);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let failed = |what: &str, e: std::io::Error| {
        Error::unavailable(format!("could not {what} {}: {e}", path.display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| failed("create the directory of", e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".config.toml.")
        .tempfile_in(dir)
        .map_err(|e| failed("write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o600))
            .map_err(|e| failed("write", e))?;
    }
    temp.write_all(document.to_string().as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| failed("write", e))?;
    temp.persist(path).map_err(|e| failed("write", e.error))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<ConfigFile> {
        parse(Path::new("/home/u/.config/credits/config.toml"), text)
    }

    #[test]
    fn subscription_allowances_are_read_per_subscription_with_their_line() {
        let file = parsed(
            "profile = \"Development\"\n\n[subscriptions.\"0B1F6C3E-7A24-4D8E-9C51-2F3A4B5C6D7E\"]\nallowance = \"150USD\"\ncolour = \"red\"\n\n[subscriptions.\"not-a-guid\"]\nallowance = \"1\"\n",
        )
        .unwrap();
        assert_eq!(
            file.allowances,
            vec![AllowanceValue {
                subscription: "0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e".into(),
                text: "150USD".into(),
                line: 4,
            }]
        );
        assert!(file
            .allowance("0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e")
            .is_some());
        assert_eq!(file.warnings.len(), 2, "{:?}", file.warnings);
        let wrong =
            parsed("[subscriptions.\"0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e\"]\nallowance = 150\n");
        assert!(wrong.is_err());
        assert_eq!(
            allowance_key("subscriptions.0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e.allowance"),
            Some("0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e".into())
        );
        assert_eq!(allowance_key("subscriptions.x.allowance"), None);
    }

    #[test]
    fn a_bad_or_repeated_allowance_is_said() {
        let id = "0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e";
        let bad = parsed(&format!("[subscriptions.\"{id}\"]\nallowance = \"abc\"\n"));
        let message = bad.err().map(|e| e.message).unwrap_or_default();
        assert!(
            message.contains(":2:") && message.contains("abc"),
            "{message}"
        );
        let twice = parsed(&format!(
            "[subscriptions.\"{id}\"]\nallowance = \"150USD\"\n[subscriptions.\"{}\"]\nallowance = \"50USD\"\n",
            id.to_ascii_uppercase()
        ))
        .unwrap();
        assert_eq!(twice.allowances.len(), 1);
        assert_eq!(twice.allowances[0].text, "150USD");
        assert_eq!(twice.warnings.len(), 1, "{:?}", twice.warnings);
    }

    #[test]
    fn an_allowance_is_written_in_its_subscriptions_table_and_removed_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# mine\nprofile = \"Development\"\n").unwrap();
        let id = "0b1f6c3e-7a24-4d8e-9c51-2f3a4b5c6d7e";
        assert!(write_allowance(&path, id, Some("150USD")).unwrap());
        assert!(!write_allowance(&path, id, Some("150USD")).unwrap());
        let file = load(&path, true).unwrap().unwrap();
        assert_eq!(file.allowance(id).map(|a| a.text.as_str()), Some("150USD"));
        assert_eq!(
            file.get("profile").map(|v| v.text.as_str()),
            Some("Development")
        );
        assert!(write_allowance(&path, id, None).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "# mine\nprofile = \"Development\"\n");
    }

    #[test]
    fn values_carry_their_line() {
        let file = parsed("# mine\nprofile = \"Development\"\n\nconcurrency = 8\n").unwrap();
        assert_eq!(
            file.get("profile"),
            Some(&ConfigValue {
                key: "profile",
                text: "Development".into(),
                line: 2
            })
        );
        assert_eq!(file.get("concurrency").unwrap().text, "8");
        assert_eq!(file.get("concurrency").unwrap().line, 4);
        assert!(file.warnings.is_empty());
    }

    #[test]
    fn an_unknown_key_is_a_warning_and_a_bad_one_an_error() {
        let file = parsed("colour = \"yes\"\nauth = \"cli\"\n").unwrap();
        assert_eq!(file.values.len(), 1);
        assert!(
            file.warnings[0].contains("config.toml:1: unknown key \"colour\""),
            "{:?}",
            file.warnings
        );
        let error = parsed("\nauth = 3\n").unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error
                .message
                .contains("config.toml:2: auth must be a string"),
            "{error}"
        );
        let error = parsed("profile = \"x\"\nendpoint = \n").unwrap_err();
        assert!(error.message.contains("config.toml:2:"), "{error}");
        // A table is no key of ours: warned about (with what it holds), the rest applies.
        let file = parsed("auth = \"cli\"\n[section]\nprofile = \"x\"\n").unwrap();
        assert!(file.get("profile").is_none());
        assert!(
            file.warnings[0].contains(":2: unknown key \"section\""),
            "{:?}",
            file.warnings
        );
    }

    #[test]
    fn set_keeps_comments_and_unset_removes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("config.toml");
        assert!(write_value(&path, "profile", Some("Development")).unwrap());
        let before = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("# my settings\n{before}")).unwrap();
        assert!(write_value(&path, "concurrency", Some("8")).unwrap());
        assert!(!write_value(&path, "concurrency", Some("8")).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# my settings\nprofile = \"Development\"\n"),
            "{text}"
        );
        assert!(text.contains("concurrency = 8"), "{text}");
        assert!(write_value(&path, "profile", None).unwrap());
        assert!(!write_value(&path, "profile", None).unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("profile"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "profile = \n").unwrap();
        assert!(write_value(&path, "auth", Some("cli")).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "profile = \n");
        // A value of the wrong type can be fixed by setting or removing it.
        std::fs::write(&path, "# keep\nendpoint = 5\n").unwrap();
        assert!(write_value(&path, "endpoint", None).unwrap());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# keep\n");
    }

    #[cfg(unix)]
    #[test]
    fn set_writes_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("dotfiles-credits.toml");
        std::fs::write(&target, "# mine\n").unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_value(&link, "output", Some("csv")).unwrap());
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "# mine\noutput = \"csv\"\n"
        );
    }
}
