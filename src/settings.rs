//! Settings, resolved once: command-line flags, environment variables, the config file and
//! defaults become typed values that remember where they came from. The precedence is
//! written here and nowhere else (`pick`): flag > environment > config file > default. Every
//! default is written once, below; so is the format policy (`Settings::for_command`) and what
//! the printer is made from (`Settings::printer`).
//!
//! Must not: do I/O beyond reading the environment, or be bypassed: commands and the client
//! read `Settings`, never flags or variables themselves. (Sign-in variables such as
//! `CREDITS_ACCESS_TOKEN` and `AZURE_*` are read by `arm::auth`, the only other place.)

use crate::arm::method::AuthMethod;
use crate::cli::{Command, GlobalArgs};
use crate::config::ConfigFile;
use crate::error::{Error, Result};
use crate::model::dates::parse_user_date;
use crate::output::{ColorPolicy, OutputFormat, PrinterOptions};
use chrono::{NaiveDate, Utc};
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

pub(crate) const DEFAULT_ENDPOINT: &str = "https://management.azure.com";
pub(crate) const DEFAULT_TIMEOUT_SECS: u64 = 120;
pub(crate) const DEFAULT_CONCURRENCY: usize = 16;
pub(crate) const MAX_CONCURRENCY: usize = 64;
pub(crate) const MAX_TIMEOUT_SECS: u64 = 86_400;
/// The time limit of `spend --exact` when none is given: a report takes minutes.
pub(crate) const EXACT_TIMEOUT_SECS: u64 = 900;
/// `forecast --window` and `report --window`: the days the burn rate is taken over.
pub(crate) const DEFAULT_WINDOW_DAYS: i64 = 90;
pub(crate) const MAX_WINDOW_DAYS: i64 = 3650;

pub(crate) const ENDPOINT_VAR: &str = "CREDITS_ENDPOINT";
pub(crate) const AUTH_VAR: &str = "CREDITS_AUTH";
pub(crate) const PROFILE_VAR: &str = "CREDITS_PROFILE";
pub(crate) const CACHE_DIR_VAR: &str = "CREDITS_CACHE_DIR";
pub(crate) const OUTPUT_VAR: &str = "CREDITS_OUTPUT";
pub(crate) const NO_PROGRESS_VAR: &str = "CREDITS_NO_PROGRESS";
pub(crate) const CONCURRENCY_VAR: &str = "CREDITS_CONCURRENCY";
pub(crate) const EXCLUDE_VAR: &str = "CREDITS_EXCLUDE";
/// The colour conventions (no-color.org, bixense.com/clicolors) and a dumb terminal.
pub(crate) const COLOR_VARS: [&str; 4] = ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"];

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A command-line flag, e.g. `--endpoint`.
    Flag(&'static str),
    /// An environment variable, e.g. `CREDITS_ENDPOINT`.
    Env(&'static str),
    /// A key of the config file, on a line.
    File {
        path: PathBuf,
        line: usize,
        key: &'static str,
    },
    /// The built-in default.
    Default,
}

impl Source {
    fn source_default(&self) -> bool {
        matches!(self, Source::Default)
    }

    /// How to name the place in a message: `--endpoint`, `CREDITS_ENDPOINT`, or
    /// `~/.config/credits/config.toml:3: endpoint`.
    pub(crate) fn name(&self) -> String {
        match self {
            Source::Flag(name) | Source::Env(name) => (*name).to_string(),
            // `file:line: key: what is wrong`, as the message goes on.
            Source::File { path, line, key } => format!("{}:{line}: {key}:", path.display()),
            Source::Default => "the default".to_string(),
        }
    }

    /// A value and where it came from, for hints: `--auth cli` (the flag, or the default),
    /// `CREDITS_AUTH=cli`, or `auth = "cli" in ~/.config/credits/config.toml`.
    pub(crate) fn describe(&self, flag: &str, value: &str) -> String {
        match self {
            Source::Flag(_) | Source::Default => format!("{flag} {value}"),
            Source::Env(name) => format!("{name}={value}"),
            Source::File { path, key, .. } => {
                format!("{key} = {value:?} in {}", path.display())
            }
        }
    }
}

/// Where the settings that hints talk about came from, set once when they are resolved.
/// (Hints are made far from the settings, where a failure is turned into words.)
static ORIGINS: std::sync::OnceLock<Origins> = std::sync::OnceLock::new();

#[derive(Debug, Clone)]
struct Origins {
    auth: Source,
    /// The method as given (`auto` when nothing chose one).
    auth_given: AuthMethod,
    endpoint: Source,
}

/// `--auth cli`, or where the sign-in method came from when it was not the flag. A method
/// that `auto` chose says so, and why (`auto` is the default: the user gave no flag).
pub(crate) fn describe_auth(method: AuthMethod) -> String {
    let Some(origins) = ORIGINS.get() else {
        return format!("--auth {}", method.name());
    };
    if origins.auth_given == AuthMethod::Auto && method != AuthMethod::Auto {
        let given = if origins.auth.source_default() {
            "the default method auto".to_string()
        } else {
            origins.auth.describe("--auth", "auto")
        };
        return format!(
            "sign-in method {}, chosen by {given} because {}",
            method.name(),
            crate::arm::auth::why_auto(method)
        );
    }
    origins.auth.describe("--auth", method.name())
}

/// `--endpoint URL`, or where the endpoint came from.
pub(crate) fn describe_endpoint(origin: &str) -> String {
    match ORIGINS.get() {
        Some(origins) => origins.endpoint.describe("--endpoint", origin),
        None => format!("--endpoint {origin}"),
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Setting<T> {
    pub(crate) value: T,
    pub(crate) source: Source,
}

/// The raw text of a setting from each layer, before it is parsed.
struct Layers<'a> {
    flag: (Option<&'a str>, &'static str),
    env: Option<&'static str>,
    /// The config file's key, if the file may set it.
    file: Option<&'static str>,
}

/// The variables `Settings` reads, read once (so tests can give their own).
#[derive(Debug, Clone, Default)]
pub(crate) struct Environment {
    vars: Vec<(&'static str, String)>,
    /// `CREDITS_CACHE_DIR`, kept as the OS gave it (a path need not be UTF-8).
    cache_dir: Option<std::ffi::OsString>,
    /// The config file, once read (`Environment::read_config`).
    config: Option<ConfigFile>,
}

impl Environment {
    /// The process environment, for the variables settings know about. Empty values count
    /// as unset.
    pub(crate) fn from_process() -> Self {
        let vars = [
            ENDPOINT_VAR,
            AUTH_VAR,
            PROFILE_VAR,
            CACHE_DIR_VAR,
            OUTPUT_VAR,
            NO_PROGRESS_VAR,
            CONCURRENCY_VAR,
            EXCLUDE_VAR,
        ]
        .into_iter()
        .chain(COLOR_VARS)
        .filter_map(|name| {
            let value = std::env::var(name).ok()?;
            (!value.trim().is_empty()).then_some((name, value))
        })
        .collect();
        let cache_dir = std::env::var_os(CACHE_DIR_VAR).filter(|dir| !dir.is_empty());
        Environment {
            vars,
            cache_dir,
            config: None,
        }
    }

    /// Where the config file is (`CREDITS_CONFIG`, `XDG_CONFIG_HOME`, the home directory),
    /// and whether it must exist.
    pub(crate) fn config_location() -> Option<(PathBuf, bool)> {
        crate::config::location(
            std::env::var_os(crate::config::CONFIG_VAR).as_deref(),
            std::env::var_os("XDG_CONFIG_HOME").as_deref(),
        )
    }

    /// Reads the config file into the environment's layers. A broken file is a usage error
    /// naming its line; unknown keys come back as warnings.
    pub(crate) fn read_config(&mut self) -> Result<Vec<String>> {
        let Some((path, must_exist)) = Self::config_location() else {
            return Ok(Vec::new());
        };
        let config = crate::config::load(&path, must_exist)?;
        let warnings = config
            .as_ref()
            .map(|c| c.warnings.clone())
            .unwrap_or_default();
        self.config = config;
        Ok(warnings)
    }

    /// An environment with exactly these variables.
    #[cfg(test)]
    pub(crate) fn with(vars: &[(&'static str, &str)]) -> Self {
        let vars: Vec<(&'static str, String)> =
            vars.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let cache_dir = vars
            .iter()
            .find(|(k, _)| *k == CACHE_DIR_VAR)
            .map(|(_, v)| v.into());
        Environment {
            vars,
            cache_dir,
            config: None,
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The precedence rule, once: the first layer that has a value wins: flag, environment,
/// config file (the default is the caller's).
fn pick<'a>(env: &'a Environment, layers: Layers<'a>) -> Option<(&'a str, Source)> {
    let (flag, flag_name) = layers.flag;
    if let Some(text) = flag {
        return Some((text, Source::Flag(flag_name)));
    }
    if let Some(name) = layers.env {
        if let Some(text) = env.get(name) {
            return Some((text, Source::Env(name)));
        }
    }
    if let (Some(key), Some(config)) = (layers.file, &env.config) {
        if let Some(value) = config.get(key) {
            return Some((
                value.text.as_str(),
                Source::File {
                    path: config.path.clone(),
                    line: value.line,
                    key: value.key,
                },
            ));
        }
    }
    None
}

/// A monthly credit allowance: an amount, optionally with a currency (`150`, `150USD`,
/// `150 USD`), more than zero. `name` says where it came from.
pub(crate) fn parse_allowance(
    name: &str,
    text: &str,
) -> Result<(rust_decimal::Decimal, Option<String>)> {
    let (value, currency) = crate::model::money::parse_user_amount(text)
        .map_err(|why| Error::usage(format!("{name}: {why}; e.g. 150USD")))?;
    if value.is_zero() {
        return Err(Error::usage(format!(
            "{name}: an allowance of 0 leaves nothing to estimate; give the subscription's monthly credit, e.g. 150USD"
        )));
    }
    Ok((value, currency))
}

/// A subscription's allowance from the config file, with where it came from.
#[derive(Debug, Clone)]
pub(crate) struct AllowanceSetting {
    pub(crate) subscription: String,
    pub(crate) text: String,
    pub(crate) source: Source,
}

/// `config set` validates a value as the loader would apply it: the same parsers.
pub(crate) fn validate_config_value(key: &str, text: &str) -> Result<()> {
    let name = key;
    match key {
        "profile" if text.trim().is_empty() => Err(Error::usage(
            "profile is empty; give a billing profile's display name, name or full id",
        )),
        "profile" => Ok(()),
        "endpoint" => parse_endpoint(name, text).map(|_| ()),
        "auth" => parse_auth(name, text).map(|_| ()),
        "output" => parse_output(name, text).map(|_| ()),
        "concurrency" => parse_concurrency(name, text).map(|_| ()),
        "exclude" => Ok(()),
        other => Err(Error::usage(format!(
            "{other:?} is not a config key; the keys are {}",
            crate::config::KEYS.join(", ")
        ))),
    }
}

/// `pick`, parsed, or the default.
fn resolve<'a, T>(
    env: &'a Environment,
    layers: Layers<'a>,
    parse: impl FnOnce(&str, &Source) -> Result<T>,
    default: impl FnOnce() -> T,
) -> Result<Setting<T>> {
    match pick(env, layers) {
        Some((text, source)) => Ok(Setting {
            value: parse(text, &source)?,
            source,
        }),
        None => Ok(Setting {
            value: default(),
            source: Source::Default,
        }),
    }
}

/// Everything a command needs to know about how it should run.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) format: Setting<OutputFormat>,
    /// csv/tsv header row (`--no-header` turns it off).
    pub(crate) header: bool,
    /// `--wide`: tables keep full ids and every column.
    pub(crate) wide: bool,
    pub(crate) color: ColorPolicy,
    /// A progress line on a terminal's stderr during slow fetches (off with `-v`,
    /// `--no-progress` or `CREDITS_NO_PROGRESS`).
    pub(crate) progress: bool,
    /// `forecast --chart`: charts in pipes too.
    pub(crate) chart: bool,
    pub(crate) endpoint: Setting<Url>,
    pub(crate) auth: Setting<AuthMethod>,
    /// `--demo`: the built-in demo tenant instead of Azure.
    pub(crate) demo: bool,
    /// `-v`: one line per request on stderr.
    pub(crate) verbose: bool,
    /// The reference day: today (UTC) or `--as-of`.
    pub(crate) as_of: Setting<NaiveDate>,
    /// The time limit of the whole command, token and retries included.
    pub(crate) timeout: Setting<Duration>,
    /// `--refresh`: never read the profile cache (it is still written).
    pub(crate) refresh: bool,
    pub(crate) concurrency: Setting<usize>,
    /// `--max-rate`: requests a second, at most.
    pub(crate) max_rate: Option<f64>,
    /// `--max-time`: the most a sweep may take.
    pub(crate) max_time: Option<Duration>,
    /// Where the profile cache lives; `None` disables it (the demo, or no cache directory).
    pub(crate) cache_dir: Option<Setting<PathBuf>>,
    /// For `profile`, which is completed per command.
    env: Environment,
}

impl Settings {
    /// The format policy, written once: a format only some commands write (OpenMetrics:
    /// `balance` and `lots`), asked for with the flag, is refused before any request; set as a
    /// default (variable or config file), it leaves the other commands a table. `--chart` is
    /// taken from `forecast`.
    pub(crate) fn for_command(&mut self, command: &Command) -> Result<()> {
        let takes_metrics = matches!(
            command,
            Command::Balance(_)
                | Command::Lots(_)
                | Command::Invoices(_)
                | Command::Spend(_)
                | Command::CompleteProfiles(_)
        );
        if self.format.value == OutputFormat::Openmetrics && !takes_metrics {
            if let Source::Flag(_) = self.format.source {
                return Err(Error::usage(
                    "--output openmetrics works only with `balance`, `balance --all`, `lots`, `invoices` and `spend`; use --output json or csv for this command",
                ));
            }
            self.format = Setting {
                value: OutputFormat::Table,
                source: Source::Default,
            };
        }
        self.refuse_what_cannot_hold_enrollments(command)?;
        self.chart = matches!(command, Command::Forecast(args) if args.chart);
        // Azure takes minutes to prepare a Cost Details report: the usual limit would end
        // `spend --exact` before its first report did. A limit given is kept.
        if matches!(command, Command::Spend(args) if args.exact)
            && self.timeout.source == Source::Default
        {
            self.timeout.value = Duration::from_secs(EXACT_TIMEOUT_SECS);
        }
        Ok(())
    }

    /// Enrollments beside profiles are two kinds of record: one csv header cannot name both
    /// (`balance|forecast --all --all-enrollments`), a report's csv has a row per profile only,
    /// and an enrollment has no OpenMetrics gauges. Such a format asked for by flag is refused
    /// before any request (never an answer with the enrollments left out); set as a default,
    /// it leaves a table, as OpenMetrics does above.
    fn refuse_what_cannot_hold_enrollments(&mut self, command: &Command) -> Result<()> {
        let delimited = matches!(self.format.value, OutputFormat::Csv | OutputFormat::Tsv);
        let metrics = self.format.value == OutputFormat::Openmetrics;
        let why = match command {
            Command::Balance(args) if args.all_enrollments && metrics => Some(
                "an Enterprise Agreement enrollment's Azure Prepayment has no OpenMetrics gauges: use --json or -o csv with --all-enrollments (and -o openmetrics with --all alone)".to_string(),
            ),
            Command::Balance(args) if args.all_enrollments && args.scope.all && delimited => {
                Some(Self::two_kinds("balance"))
            }
            Command::Forecast(args) if args.all_enrollments && args.scope.all && delimited => {
                Some(Self::two_kinds("forecast"))
            }
            Command::Report(args) if args.all_enrollments && delimited => Some(
                "report's csv has a row per billing profile and none for an enrollment: use --json (or the page) with --all-enrollments, or credits forecast --all-enrollments -o csv".to_string(),
            ),
            _ => None,
        };
        let Some(why) = why else { return Ok(()) };
        if let Source::Flag(_) = self.format.source {
            return Err(Error::usage(why));
        }
        self.format = Setting {
            value: OutputFormat::Table,
            source: Source::Default,
        };
        Ok(())
    }

    fn two_kinds(command: &str) -> String {
        format!(
            "--all with --all-enrollments writes two kinds of record (billing profiles' and enrollments') and one csv header cannot name both: run credits {command} --all and credits {command} --all-enrollments, a file each"
        )
    }

    /// What the printer is made from.
    pub(crate) fn printer(&self) -> PrinterOptions {
        PrinterOptions {
            format: self.format.value,
            header: self.header,
            wide: self.wide,
            color: self.color,
            progress: self.progress,
            charts_in_pipes: self.chart,
        }
    }

    /// A style flag the chosen format has no use for (`--no-header` outside csv and tsv),
    /// said rather than silently dropped.
    pub(crate) fn unused_style_note(&self) -> Option<String> {
        let delimited = matches!(self.format.value, OutputFormat::Csv | OutputFormat::Tsv);
        (!self.header && !delimited).then(|| {
            format!(
                "--no-header applies to csv and tsv only; the {} output is unchanged",
                self.format.value.name()
            )
        })
    }

    /// Resolves every setting from the flags and the environment. Bad values are usage
    /// errors naming the flag or variable they came from.
    pub(crate) fn resolve(global: &GlobalArgs, env: &Environment) -> Result<Self> {
        let format = if global.json {
            Setting {
                value: OutputFormat::Json,
                source: Source::Flag("--json"),
            }
        } else {
            resolve(
                env,
                Layers {
                    flag: (global.output.map(OutputFormat::name), "--output"),
                    env: Some(OUTPUT_VAR),
                    file: Some("output"),
                },
                |text, source| parse_output(&source.name(), text),
                || OutputFormat::Table,
            )?
        };
        let color = color_policy(env);
        // A dumb terminal (Emacs' shell) cannot erase a line: no progress there either.
        let dumb_terminal = env.get("TERM").map(str::trim) == Some("dumb");
        let progress = !global.no_progress
            && !global.verbose
            && !dumb_terminal
            && env.get(NO_PROGRESS_VAR).is_none_or(|v| v.trim() == "0");
        let default_endpoint =
            || Url::parse(DEFAULT_ENDPOINT).expect("the default endpoint is a URL");
        let endpoint = if global.demo {
            // The demo serves itself: an endpoint from the environment is neither used nor
            // worth failing over.
            Setting {
                value: default_endpoint(),
                source: Source::Default,
            }
        } else {
            resolve(
                env,
                Layers {
                    flag: (global.endpoint.as_deref(), "--endpoint"),
                    env: Some(ENDPOINT_VAR),
                    file: Some("endpoint"),
                },
                |text, source| parse_endpoint(&source.name(), text),
                default_endpoint,
            )?
        };
        let auth = resolve(
            env,
            Layers {
                // clap has checked the flag's value; its name parses back to it.
                flag: (global.auth.map(AuthMethod::name), "--auth"),
                env: Some(AUTH_VAR),
                file: Some("auth"),
            },
            |text, source| parse_auth(&source.name(), text),
            || AuthMethod::Auto,
        )?;
        let as_of = resolve(
            env,
            Layers {
                flag: (global.as_of.as_deref(), "--as-of"),
                env: None,
                file: None,
            },
            |text, source| parse_user_date(&source.name(), text).map_err(Error::usage),
            || Utc::now().date_naive(),
        )?;
        let timeout = resolve(
            env,
            Layers {
                flag: (global.timeout.as_deref(), "--timeout"),
                env: None,
                file: None,
            },
            |text, source| parse_timeout(&source.name(), text),
            || Duration::from_secs(DEFAULT_TIMEOUT_SECS),
        )?;
        let concurrency = resolve(
            env,
            Layers {
                flag: (global.concurrency.as_deref(), "--concurrency"),
                env: Some(CONCURRENCY_VAR),
                file: Some("concurrency"),
            },
            |text, source| parse_concurrency(&source.name(), text),
            || DEFAULT_CONCURRENCY,
        )?;
        let max_rate = global.max_rate.as_deref().map(parse_max_rate).transpose()?;
        let max_time = global
            .max_time
            .as_deref()
            .map(|text| parse_timeout("--max-time", text))
            .transpose()?;
        // The demo's endpoint is a new port each run: caching it would only litter. No flag
        // sets the directory; the default is the platform's cache directory (which `dirs`
        // finds from HOME or XDG_CACHE_HOME).
        let cache_dir = if global.demo {
            None
        } else {
            match &env.cache_dir {
                Some(dir) => Some(Setting {
                    value: PathBuf::from(dir),
                    source: Source::Env(CACHE_DIR_VAR),
                }),
                None => dirs::cache_dir().map(|dir| Setting {
                    value: dir.join("credits"),
                    source: Source::Default,
                }),
            }
        };
        Ok(Settings {
            format,
            header: !global.no_header,
            wide: global.wide,
            color,
            progress,
            chart: false,
            endpoint,
            auth,
            demo: global.demo,
            verbose: global.verbose,
            as_of,
            timeout,
            refresh: global.refresh,
            concurrency,
            max_rate,
            max_time,
            cache_dir,
            env: env.clone(),
        })
    }

    /// Makes these settings' sources known to the hints (`describe_auth`), once per run.
    pub(crate) fn publish_origins(&self) {
        let _ = ORIGINS.set(Origins {
            auth: self.auth.source.clone(),
            auth_given: self.auth.value,
            endpoint: self.endpoint.source.clone(),
        });
    }

    /// The billing profile to use: `--profile`, else `CREDITS_PROFILE`. Missing or empty is
    /// a usage error. (Read per command, so that a CI-wide `CREDITS_PROFILE` does not clash
    /// with `balance --all`.)
    /// The profiles `--all` leaves out: `--exclude` (repeated), else `CREDITS_EXCLUDE`
    /// (comma-separated), else `exclude` in the config file (a string or a list), else none.
    /// Read per command, like the profile.
    /// The allowances the config file sets, one per subscription, in file order.
    pub(crate) fn allowances(&self) -> Vec<AllowanceSetting> {
        let Some(config) = &self.env.config else {
            return Vec::new();
        };
        config
            .allowances
            .iter()
            .map(|a| AllowanceSetting {
                subscription: a.subscription.clone(),
                text: a.text.clone(),
                source: Source::File {
                    path: config.path.clone(),
                    line: a.line,
                    key: "allowance",
                },
            })
            .collect()
    }

    /// The allowance the config file sets for `subscription` (its GUID, any case).
    pub(crate) fn allowance(&self, subscription: &str) -> Option<AllowanceSetting> {
        self.allowances()
            .into_iter()
            .find(|a| a.subscription.eq_ignore_ascii_case(subscription))
    }

    pub(crate) fn exclude(&self, flags: &[String]) -> Setting<Vec<String>> {
        let names = |text: &str, separator: char| -> Vec<String> {
            text.split(separator)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect()
        };
        if !flags.is_empty() {
            return Setting {
                value: flags.to_vec(),
                source: Source::Flag("--exclude"),
            };
        }
        match pick(
            &self.env,
            Layers {
                flag: (None, "--exclude"),
                env: Some(EXCLUDE_VAR),
                file: Some("exclude"),
            },
        ) {
            Some((text, source @ Source::Env(_))) => Setting {
                value: names(text, ','),
                source,
            },
            // The config file's list arrives one name a line.
            Some((text, source)) => Setting {
                value: names(text, '\n'),
                source,
            },
            None => Setting {
                value: Vec::new(),
                source: Source::Default,
            },
        }
    }

    pub(crate) fn profile(&self, flag: Option<&str>) -> Result<Setting<String>> {
        let chosen = pick(
            &self.env,
            Layers {
                flag: (flag, "--profile"),
                env: Some(PROFILE_VAR),
                file: Some("profile"),
            },
        );
        match chosen {
            Some((text, source)) if !text.trim().is_empty() => Ok(Setting {
                value: text.trim().to_string(),
                source,
            }),
            Some(_) => Err(Error::usage(
                "--profile is empty; pass a billing profile's display name, name or full id (see `credits accounts`)",
            )),
            None => Err(Error::usage(format!(
                "no billing profile given; pass --profile NAME or set {PROFILE_VAR} (see `credits accounts`)"
            ))),
        }
    }
}

/// What the environment says about colour: `NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `TERM`.
fn color_policy(env: &Environment) -> ColorPolicy {
    let set = |name: &str| env.get(name).map(str::trim);
    let no_color = set("NO_COLOR").is_some();
    let force = set("CLICOLOR_FORCE").is_some_and(|v| v != "0");
    let clicolor_off = set("CLICOLOR") == Some("0");
    let dumb = set("TERM") == Some("dumb");
    ColorPolicy {
        never: no_color || (!force && (clicolor_off || dumb)),
        force: force && !no_color,
    }
}

fn parse_output(name: &str, text: &str) -> Result<OutputFormat> {
    use clap::ValueEnum;
    OutputFormat::from_str(text.trim(), true).map_err(|_| {
        let names: Vec<&str> = OutputFormat::value_variants()
            .iter()
            .map(|f| f.name())
            .collect();
        Error::usage(format!(
            "{name} {text:?} is not an output format; use one of {}",
            names.join(", ")
        ))
    })
}

fn parse_auth(name: &str, text: &str) -> Result<AuthMethod> {
    use clap::ValueEnum;
    AuthMethod::from_str(text.trim(), true).map_err(|_| {
        let names: Vec<&str> = AuthMethod::value_variants()
            .iter()
            .map(|m| m.name())
            .collect();
        Error::usage(format!(
            "{name} {text:?} is not a sign-in method; use one of {}",
            names.join(", ")
        ))
    })
}

fn parse_timeout(name: &str, text: &str) -> Result<Duration> {
    match text.trim().parse::<u64>() {
        Ok(seconds) if seconds > 0 && seconds <= MAX_TIMEOUT_SECS => {
            Ok(Duration::from_secs(seconds))
        }
        _ => Err(Error::usage(format!(
            "{name} {text:?} is not a number of seconds; write a whole number from 1 to {MAX_TIMEOUT_SECS}{}",
            example(name, "60")
        ))),
    }
}

fn parse_max_rate(text: &str) -> Result<f64> {
    match text.trim().parse::<f64>() {
        Ok(rate) if rate.is_finite() && (0.01..=1000.0).contains(&rate) => Ok(rate),
        _ => Err(Error::usage(format!(
            "--max-rate {text:?} is not a rate; give requests a second, from 0.01 to 1000, such as --max-rate 10"
        ))),
    }
}

fn parse_concurrency(name: &str, text: &str) -> Result<usize> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        _ => Err(Error::usage(format!(
            "{name} {text:?} is not a number from 1 to {MAX_CONCURRENCY}{}",
            example(name, "8")
        ))),
    }
}

/// An example of a good value, written the way the bad one was given: `--concurrency 8` for
/// a flag, `CREDITS_CONCURRENCY=8` for a variable, `concurrency = 8` for the config file (whose
/// `file:line: key` already says where to write it).
fn example(name: &str, value: &str) -> String {
    if name.starts_with("--") {
        format!(", for example {name} {value}")
    } else if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        format!(", for example {name}={value}")
    } else {
        let key = name.trim_end_matches(':');
        let key = key.rsplit(": ").next().unwrap_or(key);
        format!(", for example {key} = {value}")
    }
}

/// `https://` anywhere; `http://` only on loopback (tests, local fakes). No user info, query
/// or fragment: the token must go exactly where the user pointed.
pub(crate) fn parse_endpoint(name: &str, text: &str) -> Result<Url> {
    let bad = |why: &str| {
        Error::usage(format!(
            "{name} {text:?} {why}; use an https:// URL such as {DEFAULT_ENDPOINT} (http:// is allowed only for localhost, 127.0.0.0/8 and [::1])"
        ))
    };
    let url = Url::parse(text.trim()).map_err(|_| bad("is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not contain a query or fragment"));
    }
    if url.host().is_none() {
        return Err(bad("has no host"));
    }
    let is_loopback = crate::arm::client::is_loopback(&url);
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback => Ok(url),
        "http" => Err(bad("uses http:// on a host that is not loopback")),
        _ => Err(bad("is not an http(s) URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn settings(args: &[&str], env: &[(&'static str, &str)]) -> Result<Settings> {
        let mut argv = vec!["credits"];
        argv.extend_from_slice(args);
        argv.push("accounts");
        let cli = crate::cli::Cli::try_parse_from(argv).unwrap();
        Settings::resolve(&cli.global, &Environment::with(env))
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_default() {
        let default = settings(&[], &[]).unwrap();
        assert_eq!(
            default.endpoint.value.as_str(),
            "https://management.azure.com/"
        );
        assert_eq!(default.endpoint.source, Source::Default);
        let from_env = settings(&[], &[(ENDPOINT_VAR, "http://127.0.0.1:1")]).unwrap();
        assert_eq!(from_env.endpoint.source, Source::Env(ENDPOINT_VAR));
        let from_flag = settings(
            &["--endpoint", "http://127.0.0.1:2"],
            &[(ENDPOINT_VAR, "http://127.0.0.1:1")],
        )
        .unwrap();
        assert_eq!(from_flag.endpoint.value.as_str(), "http://127.0.0.1:2/");
        assert_eq!(from_flag.endpoint.source, Source::Flag("--endpoint"));

        let auth = settings(&[], &[(AUTH_VAR, "Token")]).unwrap().auth;
        assert_eq!(auth.value, AuthMethod::Token);
        assert_eq!(auth.source, Source::Env(AUTH_VAR));
        let auth = settings(&["--auth", "cli"], &[(AUTH_VAR, "token")])
            .unwrap()
            .auth;
        assert_eq!(auth.value, AuthMethod::Cli);

        let defaults = settings(&[], &[]).unwrap();
        assert_eq!(
            defaults.timeout.value,
            Duration::from_secs(DEFAULT_TIMEOUT_SECS)
        );
        assert_eq!(defaults.concurrency.value, DEFAULT_CONCURRENCY);
        assert_eq!(defaults.format.value, OutputFormat::Table);
        assert_eq!(
            settings(&["--json"], &[]).unwrap().format.source,
            Source::Flag("--json")
        );
    }

    #[test]
    fn spend_exact_waits_longer_unless_a_limit_is_given() {
        use clap::Parser;
        let exact = crate::cli::Cli::parse_from(["credits", "spend", "-p", "D", "--exact"]);
        let mut chosen = settings(&[], &[]).unwrap();
        chosen.for_command(&exact.command).unwrap();
        assert_eq!(
            chosen.timeout.value,
            Duration::from_secs(EXACT_TIMEOUT_SECS)
        );
        let mut given = settings(&["--timeout", "30"], &[]).unwrap();
        given.for_command(&exact.command).unwrap();
        assert_eq!(given.timeout.value, Duration::from_secs(30));
        let query = crate::cli::Cli::parse_from(["credits", "spend", "-p", "D"]);
        let mut plain = settings(&[], &[]).unwrap();
        plain.for_command(&query.command).unwrap();
        assert_eq!(
            plain.timeout.value,
            Duration::from_secs(DEFAULT_TIMEOUT_SECS)
        );
    }

    #[test]
    fn a_bad_value_names_where_it_came_from() {
        let error = settings(&[], &[(ENDPOINT_VAR, "http://example.com")]).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.message.starts_with("CREDITS_ENDPOINT "), "{error}");
        let error = settings(&[], &[(AUTH_VAR, "kerberos")]).unwrap_err();
        assert!(
            error.message.contains("CREDITS_AUTH \"kerberos\""),
            "{error}"
        );
        assert!(error.message.contains("service-principal"), "{error}");
        let error = settings(&["--timeout", "0"], &[]).unwrap_err();
        assert!(error.message.starts_with("--timeout \"0\""), "{error}");
    }

    #[test]
    fn the_profile_comes_from_the_flag_or_the_environment() {
        let with_env = settings(&[], &[(PROFILE_VAR, " Development ")]).unwrap();
        let chosen = with_env.profile(None).unwrap();
        assert_eq!(chosen.value, "Development");
        assert_eq!(chosen.source, Source::Env(PROFILE_VAR));
        assert_eq!(with_env.profile(Some("Prod")).unwrap().value, "Prod");
        let without = settings(&[], &[]).unwrap();
        assert!(without
            .profile(None)
            .unwrap_err()
            .message
            .contains(PROFILE_VAR));
        assert_eq!(without.profile(Some(" ")).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn the_demo_never_uses_the_cache() {
        let demo = settings(&["--demo"], &[(CACHE_DIR_VAR, "/tmp/x")]).unwrap();
        assert!(demo.cache_dir.is_none());
        let real = settings(&[], &[(CACHE_DIR_VAR, "/tmp/x")]).unwrap();
        assert_eq!(real.cache_dir.unwrap().value, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn endpoint_rules() {
        for ok in [
            "https://management.azure.com",
            "https://management.usgovcloudapi.net/",
            "http://127.0.0.1:8080",
            "http://127.5.0.1:1",
            "http://localhost:3000",
            "http://[::1]:9000",
        ] {
            assert!(parse_endpoint("--endpoint", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://management.azure.com",
            "ftp://127.0.0.1",
            "https://user:pw@management.azure.com",
            "https://management.azure.com/?x=1",
            "https://management.azure.com/#f",
            "management.azure.com",
            "",
            "http://10.0.0.1",
        ] {
            let error = parse_endpoint("--endpoint", bad).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad}");
        }
    }
}
