//! One file per noun: Args -> fetch -> render. This module builds the shared context (the
//! client, the output format, the reference date) and dispatches.

mod accounts;
mod balance;
mod events;
mod lots;
pub mod profile;

use crate::arm::auth::{token_source, TokenSource};
use crate::arm::{ArmClient, ClientOptions};
use crate::cli::{Cli, Command, GlobalArgs, OutputFormat};
use crate::demo::DemoServer;
use crate::error::{Error, Result};
use crate::model::dates::parse_user_date;
use crate::output::Printer;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::time::Duration;
use url::Url;

pub const DEFAULT_ENDPOINT: &str = "https://management.azure.com";

/// Everything a command needs besides its own arguments.
pub struct Context {
    pub client: ArmClient,
    pub format: OutputFormat,
    pub printer: Printer,
    /// The reference day: today (UTC) or `--as-of`.
    pub today: NaiveDate,
    /// Where the profile cache lives; `None` disables it (the demo, or no cache directory).
    pub cache_dir: Option<std::path::PathBuf>,
    /// `--refresh`: never read the profile cache (it is still written).
    pub refresh: bool,
    /// `--concurrency`
    pub concurrency: usize,
    // Kept alive for as long as the command runs.
    _demo: Option<DemoServer>,
}

impl Context {
    /// The start of the reference day, for lot status and expiry checks.
    pub fn as_of(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.today.and_hms_opt(0, 0, 0).unwrap_or_default())
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    let context = build_context(&cli.global).await?;
    match cli.command {
        Command::Accounts(args) => accounts::run(&context, args).await,
        Command::Balance(args) => balance::run(&context, args).await,
        Command::Lots(args) => lots::run(&context, args).await,
        Command::Events(args) => events::run(&context, args).await,
    }
}

async fn build_context(global: &GlobalArgs) -> Result<Context> {
    let format = if global.json {
        OutputFormat::Json
    } else {
        global.output.unwrap_or(OutputFormat::Table)
    };
    let today = match &global.as_of {
        Some(text) => parse_user_date("--as-of", text).map_err(Error::usage)?,
        None => Utc::now().date_naive(),
    };
    let timeout = parse_timeout(&global.timeout)?;
    let concurrency = parse_concurrency(&global.concurrency)?;
    let (endpoint, tokens, demo) = if global.demo {
        let demo = DemoServer::start(today).await?;
        let tokens = TokenSource::Static(azure_core::credentials::Secret::new("demo-token"));
        (demo.endpoint().clone(), tokens, Some(demo))
    } else {
        let endpoint = parse_endpoint(global.endpoint.as_deref().unwrap_or(DEFAULT_ENDPOINT))?;
        (endpoint, token_source(global.auth)?, None)
    };
    let mut options = ClientOptions::new(endpoint);
    options.verbose = global.verbose;
    options.total_timeout = timeout;
    options.concurrency = concurrency;
    Ok(Context {
        client: ArmClient::new(options, tokens),
        format,
        printer: Printer::stdout(),
        today,
        // The demo's endpoint is a new port each run: caching it would only litter.
        cache_dir: if demo.is_some() {
            None
        } else {
            crate::cache::cache_dir()
        },
        refresh: global.refresh,
        concurrency,
        _demo: demo,
    })
}

fn parse_timeout(text: &str) -> Result<Duration> {
    match text.trim().parse::<u64>() {
        Ok(seconds) if seconds > 0 && seconds <= 86_400 => Ok(Duration::from_secs(seconds)),
        _ => Err(Error::usage(format!(
            "--timeout {text:?} is not a number of seconds; write a whole number from 1 to 86400, for example --timeout 60"
        ))),
    }
}

fn parse_concurrency(text: &str) -> Result<usize> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err(Error::usage(format!(
            "--concurrency {text:?} is not a number from 1 to 64; for example --concurrency 8"
        ))),
    }
}

/// `https://` anywhere; `http://` only on loopback (tests, local fakes). No user info, query
/// or fragment: the token must go exactly where the user pointed.
pub fn parse_endpoint(text: &str) -> Result<Url> {
    let bad = |why: &str| {
        Error::usage(format!(
            "--endpoint {text:?} {why}; use an https:// URL such as {DEFAULT_ENDPOINT} (http:// is allowed only for localhost, 127.0.0.0/8 and [::1])"
        ))
    };
    let url = Url::parse(text.trim()).map_err(|_| bad("is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain a user name or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not contain a query or fragment"));
    }
    let is_loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(bad("has no host")),
    };
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
            assert!(parse_endpoint(ok).is_ok(), "{ok}");
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
            let error = parse_endpoint(bad).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad}");
        }
    }
}
