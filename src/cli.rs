//! The command-line interface: global flags and one Args struct per command. The doc
//! comments here are the `--help` text.
//!
//! Must not: read the environment or hold defaults. Flags arrive here as given (or absent);
//! `settings` adds the environment and the defaults, so "not given" stays distinguishable
//! from "the default". The `[env: ..]` and `[default: ..]` notes below are help text only.

use crate::arm::method::AuthMethod;
use crate::output::OutputFormat;
use clap::{Args, Parser, Subcommand};

/// Show the Azure credit balance of Microsoft Customer Agreement billing profiles.
///
/// Reads the balance summary, the credit lots and the credit transactions of a billing
/// profile from Azure Resource Manager, as tables for people or JSON for scripts, and fails
/// CI jobs on a low or expiring balance.
#[derive(Debug, Parser)]
#[command(
    name = "credits",
    version,
    long_version = LONG_VERSION,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = crate::error::exit_codes_help())]
pub struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// `credits --version`: the version, the commit, the target and the Azure API versions.
pub(crate) const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit: ",
    env!("CREDITS_COMMIT"),
    "\ntarget: ",
    env!("CREDITS_TARGET"),
    "\nAzure APIs: Microsoft.Billing 2020-05-01, Microsoft.Consumption 2024-08-01"
);

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// Print JSON on stdout (same as --output json)
    #[arg(long, global = true, conflicts_with = "output")]
    pub(crate) json: bool,

    /// Output format [env: CREDITS_OUTPUT] [config: output] [default: table]
    #[arg(short, long, global = true, value_enum, value_name = "FORMAT")]
    pub(crate) output: Option<OutputFormat>,

    /// csv and tsv: leave out the header row (to append to an earlier run's file)
    #[arg(long, global = true)]
    pub(crate) no_header: bool,

    /// Tables: full ids and every column, whatever the terminal's width
    #[arg(long, global = true)]
    pub(crate) wide: bool,

    /// No progress line on stderr during slow fetches [env: CREDITS_NO_PROGRESS]
    #[arg(long, global = true)]
    pub(crate) no_progress: bool,

    /// Azure Resource Manager base URL (https://, or http:// on loopback only)
    /// [env: CREDITS_ENDPOINT] [default: https://management.azure.com]
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) endpoint: Option<String>,

    /// How to get the bearer token [env: CREDITS_AUTH] [default: auto]
    #[arg(long, global = true, value_enum, value_name = "METHOD")]
    pub(crate) auth: Option<AuthMethod>,

    /// Run against a built-in demo tenant: no Azure account, no network
    #[arg(long, global = true)]
    pub(crate) demo: bool,

    /// Print one line per HTTP request on stderr (method, path, status, time, request id)
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,

    /// Reference date (YYYY-MM-DD) for lot status, default event windows and expiry checks
    /// [default: today, UTC]
    #[arg(long, global = true, value_name = "DATE")]
    pub(crate) as_of: Option<String>,

    /// Give up after this many seconds in all, retries included [default: 120] (900 for
    /// spend --exact)
    #[arg(long, global = true, value_name = "SECONDS")]
    pub(crate) timeout: Option<String>,

    /// List billing accounts and profiles afresh instead of using the 24-hour profile cache
    #[arg(long, global = true)]
    pub(crate) refresh: bool,

    /// Requests in flight at once, at most (1-64) [env: CREDITS_CONCURRENCY] [config:
    /// concurrency] [default: 16]
    #[arg(long, global = true, value_name = "N")]
    pub(crate) concurrency: Option<String>,

    /// Send at most N requests a second to Azure, to leave room in the tenant's throttle for
    /// others (0.01 to 1000) [default: as fast as Azure's limits allow]
    #[arg(long, global = true, value_name = "N", allow_hyphen_values = true)]
    pub(crate) max_rate: Option<String>,

    /// --all and customer sweeps: the most the whole run may take, in seconds; when the rate
    /// Azure allows shows it cannot finish in time, it stops early (exit 6, nothing written)
    /// instead of reading part of them
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        allow_hyphen_values = true
    )]
    pub(crate) max_time: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List billing accounts with their billing profiles
    Accounts(AccountsArgs),
    /// Show the credit balance of a billing profile, an EA enrollment or a subscription
    Balance(BalanceArgs),
    /// List the credit lots of a billing profile, soonest expiration first
    Lots(LotsArgs),
    /// List the credit transactions of a billing profile in a date window
    Events(EventsArgs),
    /// Forecast the burn rate, the runway and the credit that will expire unused
    Forecast(ForecastArgs),
    /// One Markdown page for a CI step summary: balances, expiring credit, forecasts, checks
    Report(ReportArgs),
    /// List the invoices of a billing profile or account: charges, credit applied, amount due
    Invoices(InvoicesArgs),
    /// Check that Azure's own figures agree: lots against the balance, the summary, the ledger
    Verify(VerifyArgs),
    /// What the credit paid for: costs by service, subscription, ... from Cost Management
    Spend(SpendArgs),
    /// Summarise a Partner Center Azure Credit Offer balance file (no sign-in, no network)
    Aco(AcoArgs),
    /// Show or change the config file (profile, endpoint, auth, output, concurrency)
    Config(ConfigArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the manual page, credits(1), as roff
    Man(ManArgs),
    /// The cached profile names (the demo tenant's with --demo) that start like PREFIX, one a
    /// line, for shell completion
    #[command(name = "__complete-profiles", hide = true)]
    CompleteProfiles(CompleteProfilesArgs),
}

/// What the shell has typed so far.
#[derive(Debug, Args)]
pub(crate) struct CompleteProfilesArgs {
    /// The word being completed: matched without regard to case or accents
    #[arg(default_value = "", allow_hyphen_values = true)]
    pub(crate) prefix: String,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits aco <FILE|-> [--customer ID] [--min AMOUNT]... [--expiring-within DAYS] [OPTIONS]",
    after_help = "Examples:
  credits aco AzureCreditOfferBalance.csv
  credits aco AzureCreditOfferBalance.csv --customer 3c2b0f5e-... --json
  credits aco - --min 500USD --min 450EUR --expiring-within 30 < balance.csv"
)]
pub(crate) struct AcoArgs {
    /// The ACO balance file downloaded from Partner Center (csv), or - for standard input
    #[arg(value_name = "FILE")]
    pub(crate) file: String,

    /// Only this customer (its CustomerID / CustomerTenantId as in the file); none: exit 5
    #[arg(long, value_name = "ID")]
    pub(crate) customer: Option<String>,

    /// Exit 1 when a credit that has not expired has a latest balance below AMOUNT
    /// (currency rules as balance --min; repeatable)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) min: Vec<String>,

    /// Exit 1 when a credit with balance left expires within DAYS days
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub(crate) expiring_within: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = CONFIG_EXAMPLES)]
pub(crate) struct ConfigArgs {
    #[command(subcommand)]
    pub(crate) action: ConfigAction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigAction {
    /// Print where the config file is (CREDITS_CONFIG, else the platform's place)
    Path,
    /// Show every setting, its value and where the value comes from
    List,
    /// Print a key's value from the config file (exit 5 when it is not set there)
    Get {
        /// profile, endpoint, auth, output or concurrency
        key: String,
    },
    /// Set a key in the config file; the value is checked first, comments are kept
    Set {
        /// profile, endpoint, auth, output or concurrency
        key: String,
        value: String,
    },
    /// Remove a key from the config file
    Unset {
        /// profile, endpoint, auth, output or concurrency
        key: String,
    },
}

#[derive(Debug, Args)]
#[command(after_help = COMPLETION_EXAMPLES)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example (beside the binary, where man finds it without MANPATH):\n  man1=\"$(dirname \"$(command -v credits)\")/../share/man/man1\" && mkdir -p \"$man1\" &&\n    credits man > \"$man1/credits.1\""
)]
pub(crate) struct ManArgs {}

const CONFIG_EXAMPLES: &str = "Examples:
  credits config set profile Development
  credits config set output csv
  credits config list";

const COMPLETION_EXAMPLES: &str = "Install:
  bash:       mkdir -p ~/.local/share/bash-completion/completions &&
              credits completions bash > ~/.local/share/bash-completion/completions/credits
  zsh:        mkdir -p ~/.zfunc && credits completions zsh > ~/.zfunc/_credits
              (with fpath+=~/.zfunc before compinit)
  fish:       mkdir -p ~/.config/fish/completions &&
              credits completions fish > ~/.config/fish/completions/credits.fish
  PowerShell: New-Item -ItemType Directory -Force (Split-Path $PROFILE) | Out-Null
              credits completions powershell | Out-File -Append -Encoding utf8 $PROFILE
  elvish:     mkdir -p ~/.config/elvish && credits completions elvish >> ~/.config/elvish/rc.elv";

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  credits accounts
  credits accounts -o csv
  credits accounts --json | jq -r '.[].billingProfiles[].displayName'")]
pub(crate) struct AccountsArgs {}

/// Which billing profile: display name (case-insensitive), name (ID) or full id.
#[derive(Debug, Args)]
pub(crate) struct ProfileArg {
    /// Billing profile: display name (case-insensitive), name (ID) or full id
    /// [env: CREDITS_PROFILE]
    // Completed from the environment by `Settings::profile`, not by clap, so that a CI-wide
    // CREDITS_PROFILE does not clash with `balance --all`.
    #[arg(short, long, value_name = "PROFILE")]
    pub(crate) profile: Option<String>,
}

/// Whose credit: one profile, every profile, a billing account or a customer (one of them).
/// Every command that reads credit takes the same four; a command refuses (exit 2, before any
/// request) a scope Azure does not serve for it.
#[derive(Debug, Args)]
pub(crate) struct ScopeArgs {
    #[command(flatten)]
    pub(crate) profile: ProfileArg,

    /// Every readable MCA billing profile in every account, fetched concurrently, one
    /// profile after another
    #[arg(long, conflicts_with = "profile")]
    pub(crate) all: bool,

    /// With --all: leave this profile out (display name, name or full id); repeatable. The
    /// row says "excluded" [env: CREDITS_EXCLUDE, comma-separated] [config: exclude]
    #[arg(long, value_name = "PROFILE")]
    pub(crate) exclude: Vec<String>,

    /// A billing account (a MACC commitment lives here; invoices are billed here): its display
    /// name, name or full id. Lots, transactions and invoices only: Azure keeps no balance
    /// summary for an account
    #[arg(long, value_name = "ACCOUNT", conflicts_with_all = ["profile", "all"])]
    pub(crate) account: Option<String>,

    /// Partners: a customer (display name, name or full id), under the Microsoft Partner
    /// Agreement account; repeat it for several (one row each, in the order given)
    #[arg(long, value_name = "CUSTOMER", conflicts_with_all = ["profile", "all", "account"])]
    pub(crate) customer: Vec<String>,

    /// Partners: every customer of every Microsoft Partner Agreement account (or of
    /// --account A), one row each, in listing order
    #[arg(long, conflicts_with_all = ["profile", "all", "customer"])]
    pub(crate) all_customers: bool,

    /// Partners: the customers named in FILE, one display name, name, id or tenant id a line
    /// (or the ACO balance CSV, by its customer column); one row each, in the file's order
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "all", "account", "all_customers"])]
    pub(crate) customers_from: Option<std::path::PathBuf>,
}

/// A subscription, for `balance` and `forecast`: an MCA-billed one answers with its billing
/// profile's credit; one on a monthly-credit offer (Visual Studio, MPN, free trial, Azure
/// Pass) with an estimate.
#[derive(Debug, Args)]
pub(crate) struct SubscriptionArgs {
    /// A subscription (its id, /subscriptions/ID, or its display name): billed under an MCA,
    /// its billing profile's credit; on a monthly-credit offer (Visual Studio, MPN, free
    /// trial, Azure Pass), an estimate: the allowance less this billing period's cost
    #[arg(long, value_name = "SUBSCRIPTION", conflicts_with_all = ["profile", "all", "account", "customer", "all_customers", "customers_from"])]
    pub(crate) subscription: Option<String>,

    /// With --subscription: the subscription's monthly credit (150USD, 50, 100 EUR), which
    /// no API returns [config: subscriptions.<id>.allowance]
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) allowance: Option<String>,

    /// With --subscription: judge --min (and the other checks) on an estimate; without it a
    /// check on an estimate is "could not check" (exit 6)
    #[arg(long)]
    pub(crate) allow_estimate: bool,
}

/// What a customer sweep that writes a row per customer takes beside the scope flags.
#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// With a customer sweep: note each customer's outcome in FILE (a JSON line each, after
    /// its row is written); run again with the same FILE to read only the customers not read
    /// yet (ok, noCredit, forbidden and notFound count as read; failed is read again)
    #[arg(long, value_name = "FILE")]
    pub(crate) resume: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits balance (--profile PROFILE | --all | --customer CUSTOMER | --account ENROLLMENT | --subscription SUBSCRIPTION | --all-enrollments) [--min AMOUNT]... [--expiring-within DAYS] [--details] [OPTIONS]",
    after_help = "Examples:
  credits balance --profile Development
  credits balance --all --min 1000USD --min 900EUR
  credits balance --all -o csv --no-header >> balances.csv
  credits balance --account 6575495 --periods 12
  credits balance --subscription \"Visual Studio Enterprise\" --allowance 150USD",
    mut_arg("account", |arg| arg
        .value_name("ENROLLMENT")
        .help("An Enterprise Agreement enrollment (number, display name or full id): its Azure Prepayment, the current billing period unless --period or --periods says otherwise"))
)]
pub(crate) struct BalanceArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    #[command(flatten)]
    pub(crate) subscription: SubscriptionArgs,

    /// Exit 1 when the estimated balance is below AMOUNT, in the profile's currency.
    /// Repeat it with a currency suffix for profiles in several currencies (--min 1000USD
    /// --min 900EUR); a bare number needs every profile checked in one currency
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) min: Vec<String>,

    /// Also show the available balance computed from the active lots, the spending limit
    /// in detail, payments on account (not credit) and the credits whose expiry suspends
    /// the billing profile (all read at the same time as the balance)
    #[arg(long)]
    pub(crate) details: bool,

    /// Exit 1 when a lot with credit left expires within DAYS days (as lots
    /// --expiring-within; the lots are read at the same time as the balance); for an
    /// enrollment, when it ends within DAYS days; for a subscription's estimate, when its
    /// billing period ends with credit left. Also the window of --details' suspension flags
    /// (default 90)
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub(crate) expiring_within: Option<String>,

    /// With --account ENROLLMENT: one billing period (YYYYMM or YYYY-MM)
    #[arg(long, value_name = "YYYYMM", conflicts_with = "periods")]
    pub(crate) period: Option<String>,

    /// With --account ENROLLMENT: the N newest billing periods (1-120), ending with the
    /// current one, a row each, newest first
    #[arg(long, value_name = "N")]
    pub(crate) periods: Option<String>,

    /// Every Enterprise Agreement enrollment this sign-in sees: its Azure Prepayment in the
    /// current period, a row each (an enrollment that cannot be read is a row saying why)
    #[arg(long, conflicts_with_all = ["profile", "account", "customer", "all_customers", "customers_from", "period", "periods", "subscription"])]
    pub(crate) all_enrollments: bool,

    #[command(flatten)]
    pub(crate) sweep: SweepArgs,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits lots (--profile PROFILE | --all | --account ACCOUNT | --customer CUSTOMER) [--source S] [--status S] [--expiring-within DAYS] [--resources] [OPTIONS]",
    after_help = "Examples:
  credits lots --profile Development
  credits lots --all --expiring-within 30
  credits lots --account \"Contoso Ltd\" --source ConsumptionCommitment
  credits lots --profile Development --resources
  credits lots --profile Development -o openmetrics > credits.prom"
)]
pub(crate) struct LotsArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    #[command(flatten)]
    pub(crate) sweep: SweepArgs,

    /// Only lots of this source (PurchasedCredit, PromotionalCredit, ConsumptionCommitment,
    /// ...); sent to Azure as $filter at account scope
    #[arg(long, value_name = "SOURCE")]
    pub(crate) source: Option<String>,

    /// Only lots with this status (Active, Inactive, Expired, Complete, Canceled, or a derived
    /// Expiring, Used); sent to Azure as $filter at account scope
    #[arg(long, value_name = "STATUS")]
    pub(crate) status: Option<String>,

    /// Exit 1 when any lot with credit remaining expires within DAYS days
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub(crate) expiring_within: Option<String>,

    /// Also read the credit resources (Microsoft.BillingBenefits) of the lots' billing
    /// account and show each beside its lot: subscription, resource group, status and what
    /// its expiry does; resources that match no lot are listed after the lots
    #[arg(long)]
    pub(crate) resources: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits events (--profile PROFILE | --all | --account ACCOUNT | --customer CUSTOMER) [--start DATE] [--end DATE] [--lot-source S] [--lot-id ID] [OPTIONS]",
    after_help = "Examples:
  credits events --profile Development
  credits events --profile Development --start 2026-01-01 --end 2026-06-30
  credits events --profile Development -o csv > events.csv"
)]
pub(crate) struct EventsArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    #[command(flatten)]
    pub(crate) sweep: SweepArgs,

    /// Only transactions of lots of this source; sent to Azure as $filter at account scope
    #[arg(long, value_name = "SOURCE")]
    pub(crate) lot_source: Option<String>,

    /// Only transactions of this lot (its id); sent to Azure as $filter at account scope
    #[arg(long, value_name = "ID")]
    pub(crate) lot_id: Option<String>,

    /// First day of the window (YYYY-MM-DD) [default: one year before --end]
    #[arg(long, value_name = "DATE")]
    pub(crate) start: Option<String>,

    /// Last day of the window (YYYY-MM-DD) [default: today, or --as-of]
    #[arg(long, value_name = "DATE")]
    pub(crate) end: Option<String>,
}

/// The forecast's window and checks, shared by `forecast` and `report`.
#[derive(Debug, Args)]
pub(crate) struct ForecastOptions {
    /// Take the burn rate over the last DAYS days (1-3650) [default: 90]
    #[arg(long, value_name = "DAYS")]
    pub(crate) window: Option<String>,

    /// Exit 1 when the runway is shorter than DAYS days
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub(crate) min_days: Option<String>,

    /// Exit 1 when, in the best case, more than AMOUNT of credit expires unused (currency
    /// rules as balance --min; repeatable)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) max_unused: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits forecast (--profile PROFILE | --all | --customer CUSTOMER | --account ENROLLMENT | --subscription SUBSCRIPTION | --all-enrollments) [--window DAYS] [--min AMOUNT]... [--min-days DAYS] [--max-unused AMOUNT]... [OPTIONS]",
    after_help = "Examples:
  credits forecast --profile Development
  credits forecast --profile Development --min-days 60 --max-unused 100
  credits forecast --all --json
  credits forecast --account 6575495 --min-days 30
  credits forecast --all --all-enrollments --min-days 60
  credits forecast --subscription \"Visual Studio Enterprise\" --allowance 150USD",
    mut_arg("account", |arg| arg
        .value_name("ENROLLMENT")
        .help("An Enterprise Agreement enrollment (number, display name or full id): its Azure Prepayment burnt at the use of its last three closed billing periods"))
)]
pub(crate) struct ForecastArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    #[command(flatten)]
    pub(crate) subscription: SubscriptionArgs,

    #[command(flatten)]
    pub(crate) forecast: ForecastOptions,

    /// Exit 1 when the estimated balance is below AMOUNT (currency rules as balance --min;
    /// repeatable)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) min: Vec<String>,

    #[command(flatten)]
    pub(crate) sweep: SweepArgs,

    /// Draw the balance chart in a pipe too (on a terminal it is always drawn)
    #[arg(long)]
    pub(crate) chart: bool,

    /// Every Enterprise Agreement enrollment this sign-in sees: its Azure Prepayment's
    /// forecast, a row each; with --all, the billing profiles' forecasts too
    #[arg(long, conflicts_with_all = ["profile", "account", "customer", "all_customers", "customers_from", "subscription"])]
    pub(crate) all_enrollments: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits report (--profile PROFILE | --all | --customer CUSTOMER | --all-enrollments) [CHECKS] [OPTIONS]",
    after_help = "Examples:
  credits report --all >> \"$GITHUB_STEP_SUMMARY\"
  credits report --all --all-enrollments --min-days 60
  credits report --profile Development --min 500 --expiring-within 30",
    mut_arg("account", |arg| arg.hide(true))
)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    /// Every Enterprise Agreement enrollment this sign-in sees: a section with each one's
    /// Azure Prepayment forecast (with --all, after the billing profiles)
    #[arg(long, conflicts_with_all = ["profile", "account", "customer", "all_customers", "customers_from"])]
    pub(crate) all_enrollments: bool,

    /// Exit 1 when an estimated balance is below AMOUNT (repeatable per currency)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) min: Vec<String>,

    #[command(flatten)]
    pub(crate) forecast: ForecastOptions,

    /// Exit 1 when a lot with credit left expires within DAYS days
    #[arg(long, value_name = "DAYS", allow_hyphen_values = true)]
    pub(crate) expiring_within: Option<String>,

    /// Add "Checks of Azure's figures" (the checks of `credits verify`); their results join
    /// the report's checks and exit code
    #[arg(long)]
    pub(crate) verify: bool,

    /// Add "Where the credit went": this month's five costliest services and what credit
    /// never covers (one Cost Management query per profile, one at a time)
    #[arg(long)]
    pub(crate) spend: bool,

    /// Also read each billing profile's payments on account (money paid and not yet applied
    /// to invoices: not credit, never in a balance or a check) and flag its credits whose
    /// expiry suspends the billing profile, at the same time
    #[arg(long)]
    pub(crate) details: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits invoices (--profile PROFILE | --all | --account ACCOUNT) [--from YYYY-MM] [--to YYYY-MM] [--summary] [--events] [--max-due AMOUNT]... [--fail-if-charged-with-credit] [OPTIONS]",
    after_help = "Examples:
  credits invoices --profile Development
  credits invoices --profile Development --events --fail-if-charged-with-credit
  credits invoices --all --from 2026-01 --to 2026-06 --max-due 0USD --max-due 0EUR --json",
    mut_arg("customer", |arg| arg.hide(true)),
    mut_arg("all_customers", |arg| arg.hide(true)),
    mut_arg("customers_from", |arg| arg.hide(true))
)]
pub(crate) struct InvoicesArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    /// The first billing period, YYYY-MM [default: 11 months before --to]
    #[arg(long, value_name = "YYYY-MM", allow_hyphen_values = true)]
    pub(crate) from: Option<String>,

    /// The last billing period, YYYY-MM [default: the month before the reference day]
    #[arg(long, value_name = "YYYY-MM", allow_hyphen_values = true)]
    pub(crate) to: Option<String>,

    /// Add each invoice's transaction summary (the Azure credit it applied), read in
    /// parallel
    #[arg(long)]
    pub(crate) summary: bool,

    /// Add the settled charges of each invoice from the credit transactions, and what it
    /// still charged while credit was left
    #[arg(long)]
    pub(crate) events: bool,

    /// Exit 1 when an invoice in the window is due more than AMOUNT, in its currency.
    /// Repeat it with a currency suffix for several currencies (--max-due 0USD --max-due
    /// 0EUR)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) max_due: Vec<String>,

    /// Exit 1 when an invoice charged another payment method while credit was left (reads
    /// the credit transactions, as --events does)
    #[arg(long)]
    pub(crate) fail_if_charged_with_credit: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits spend (--profile PROFILE | --all | --account ACCOUNT | --customer CUSTOMER) [--month YYYY-MM | --from DATE --to DATE] [--by GROUPING] [--top N] [--granularity none|daily] [--not-covered] [--max-not-covered AMOUNT]... [--exact [--no-cache]] [OPTIONS]",
    after_help = "Costs come from Cost Management: estimates before credit and tax, refreshed about every
4 hours (the newest may be 8 to 24 hours old). One query per scope; with --all one after
another (the query quota is the tenant's).

Examples:
  credits spend --profile Development
  credits spend --profile Development --month 2026-10 --by subscription --top 5
  credits spend --all --by service,location --json
  credits spend --profile Development --not-covered --max-not-covered 100USD
  credits spend --profile Development --month 2026-10 --exact --not-covered"
)]
pub(crate) struct SpendArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    /// A calendar month, YYYY-MM [default: this month through the reference day]
    #[arg(long, value_name = "YYYY-MM", allow_hyphen_values = true, conflicts_with_all = ["from", "to"])]
    pub(crate) month: Option<String>,

    /// The first day, YYYY-MM-DD [default: the first day of the reference day's month]; at
    /// most 13 months before the reference day
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub(crate) from: Option<String>,

    /// The last day, YYYY-MM-DD [default: the reference day]; at most 366 days after --from
    #[arg(long, value_name = "DATE", allow_hyphen_values = true)]
    pub(crate) to: Option<String>,

    /// Group by service, subscription, resource-group, meter, location, publisher,
    /// charge-type or invoice-section; two separated by a comma (at most two dimensions; a
    /// subscription takes two: its name and id)
    #[arg(long, value_name = "GROUPING", default_value = "service")]
    pub(crate) by: String,

    /// Only the N largest groups; the rest summed in one "other" row
    #[arg(long, value_name = "N")]
    pub(crate) top: Option<String>,

    /// none (one figure per group) or daily (and per day)
    #[arg(long, value_name = "GRANULARITY", default_value = "none")]
    pub(crate) granularity: String,

    /// Mark what credit never covers: third-party and Marketplace publishers, and the
    /// products of Microsoft's list (matched on service and meter names), with its total
    #[arg(long)]
    pub(crate) not_covered: bool,

    /// Exit 1 when what credit never covers is more than AMOUNT, in its currency (implies
    /// --not-covered); repeat it with a currency suffix for several currencies
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) max_not_covered: Vec<String>,

    /// Sum Cost Details reports line by line instead of a query: what credit covers is then
    /// each line's own isAzureCreditEligible. One report per calendar month (Azure takes
    /// minutes to prepare one; the time limit becomes 900 s unless --timeout is given);
    /// final (invoiced) months are kept in the cache
    #[arg(long)]
    pub(crate) exact: bool,

    /// With --exact: ask Azure for every month's report, even those in the cache (and keep
    /// nothing)
    #[arg(long, requires = "exact")]
    pub(crate) no_cache: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "credits verify (--profile PROFILE | --all | --customer CUSTOMER | --account ENROLLMENT) [--invoices [--from YYYY-MM] [--to YYYY-MM]] [--strict] [--tolerance AMOUNT] [OPTIONS]",
    after_help = "Checks: available-balance, summary, ledger; with --invoices also invoice-credit and
invoice-total; for an Enterprise Agreement enrollment ea-ledger (the undocumented ones warn,
and fail only with --strict).
Results: passed, failed, warning, not checked, could not check.

Examples:
  credits verify --profile Development
  credits verify --all --invoices --strict --json
  credits verify --account 6575495 --periods 3",
    mut_arg("account", |arg| arg
        .value_name("ENROLLMENT")
        .help("An Enterprise Agreement enrollment (number, display name or full id): its Azure Prepayment's own arithmetic (ea-ledger), the current billing period unless --period or --periods says otherwise"))
)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    pub(crate) scope: ScopeArgs,

    /// Also check each invoice: its credit applied against its settled charges, and its
    /// arithmetic (total = charges - credit - refunds + tax)
    #[arg(long)]
    pub(crate) invoices: bool,

    /// With --invoices: the first billing period, YYYY-MM [default: 11 months before --to]
    #[arg(
        long,
        value_name = "YYYY-MM",
        allow_hyphen_values = true,
        requires = "invoices"
    )]
    pub(crate) from: Option<String>,

    /// With --invoices: the last billing period, YYYY-MM [default: the month before the
    /// reference day]
    #[arg(
        long,
        value_name = "YYYY-MM",
        allow_hyphen_values = true,
        requires = "invoices"
    )]
    pub(crate) to: Option<String>,

    /// Make the checks Microsoft does not document (the invoice checks, ea-ledger) fail
    /// (exit 1) instead of warning
    #[arg(long)]
    pub(crate) strict: bool,

    /// With --account ENROLLMENT: one billing period (YYYYMM or YYYY-MM)
    #[arg(long, value_name = "YYYYMM", conflicts_with = "periods")]
    pub(crate) period: Option<String>,

    /// With --account ENROLLMENT: the N newest billing periods (1-120), ending with the
    /// current one
    #[arg(long, value_name = "N")]
    pub(crate) periods: Option<String>,

    /// The largest difference that still passes, a bare number applied in each row's
    /// currency [default: 0: amounts are exact]
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub(crate) tolerance: Option<String>,
}

/// The manual page's ENVIRONMENT section: every variable `credits` reads.
pub(crate) const MAN_ENVIRONMENT: &[(&str, &str)] = &[
    ("CREDITS_PROFILE", "The billing profile when --profile is not given."),
    ("CREDITS_ENDPOINT", "The Azure Resource Manager base URL (default https://management.azure.com)."),
    ("CREDITS_AUTH", "The sign-in method: auto, cli, token, service-principal, managed-identity or workload-identity."),
    ("CREDITS_OUTPUT", "The output format: table, json, csv, tsv, markdown, openmetrics or none."),
    ("CREDITS_CONFIG", "Another config file; it must exist."),
    ("CREDITS_CACHE_DIR", "Where the profile cache is kept."),
    ("CREDITS_NO_PROGRESS", "Any value but 0: no progress line on stderr."),
    ("CREDITS_CONCURRENCY", "Requests in flight at once, at most (1-64; default 16)."),
    ("CREDITS_EXCLUDE", "With --all: profiles to leave out, comma-separated."),
    ("CREDITS_ACCESS_TOKEN", "The bearer token for --auth token."),
    ("AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET", "The service principal for --auth service-principal; AZURE_CLIENT_ID also selects a user-assigned managed identity."),
    ("AZURE_FEDERATED_TOKEN_FILE", "The federated token for --auth workload-identity (with AZURE_TENANT_ID and AZURE_CLIENT_ID)."),
    ("IDENTITY_ENDPOINT, MSI_ENDPOINT", "Set by Azure hosts with a managed identity: --auth auto then picks managed-identity."),
    ("AZURE_AUTHORITY_HOST", "The sign-in authority of a sovereign cloud (read by the Azure identity library)."),
    ("NO_COLOR", "Any value: no colour."),
    ("CLICOLOR, CLICOLOR_FORCE", "CLICOLOR=0: no colour; CLICOLOR_FORCE=1: colour even in a pipe (NO_COLOR still wins)."),
    ("TERM", "dumb: no colour."),
    ("XDG_CONFIG_HOME, XDG_CACHE_HOME", "Where the config file and the profile cache are, on Linux and BSD."),
];

/// The manual page's FILES section.
pub(crate) const MAN_FILES: &[(&str, &str)] = &[
    ("$XDG_CONFIG_HOME/credits/config.toml", "The config file (else ~/.config/credits/config.toml; %APPDATA%\\credits\\config.toml on Windows): keys profile, endpoint, auth, output, concurrency."),
    ("$XDG_CACHE_HOME/credits/profiles-v1.json", "The profile cache (the platform's cache directory, or CREDITS_CACHE_DIR): billing account and profile names and ids for 24 hours; never a token."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{
        AUTH_VAR, CONCURRENCY_VAR, DEFAULT_CONCURRENCY, DEFAULT_ENDPOINT, DEFAULT_TIMEOUT_SECS,
        DEFAULT_WINDOW_DAYS, ENDPOINT_VAR, MAX_CONCURRENCY, MAX_WINDOW_DAYS, PROFILE_VAR,
    };
    use clap::CommandFactory;

    /// The help text states the defaults and variables that `settings` owns: they must agree.
    #[test]
    fn help_states_the_settings_defaults() {
        let command = Cli::command();
        let help = |id: &str| {
            command
                .get_arguments()
                .find(|a| a.get_id() == id)
                .and_then(|a| a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default()
        };
        assert!(help("endpoint").contains(&format!(
            "[env: {ENDPOINT_VAR}] [default: {DEFAULT_ENDPOINT}]"
        )));
        assert!(help("auth").contains(&format!("[env: {AUTH_VAR}] [default: auto]")));
        assert!(help("timeout").contains(&format!("[default: {DEFAULT_TIMEOUT_SECS}]")));
        let balance = command
            .find_subcommand("balance")
            .and_then(|c| c.get_arguments().find(|a| a.get_id() == "profile"))
            .and_then(|a| a.get_long_help().or(a.get_help()))
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(
            balance.contains(&format!("[env: {PROFILE_VAR}]")),
            "{balance}"
        );
        for name in ["forecast", "report"] {
            let window = command
                .find_subcommand(name)
                .and_then(|c| c.get_arguments().find(|a| a.get_id() == "window"))
                .and_then(|a| a.get_help())
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                window.contains(&format!(
                    "(1-{MAX_WINDOW_DAYS}) [default: {DEFAULT_WINDOW_DAYS}]"
                )),
                "{name}: {window}"
            );
        }
        assert!(help("concurrency").contains(&format!(
            "(1-{MAX_CONCURRENCY}) [env: {CONCURRENCY_VAR}] [config: concurrency] [default: {DEFAULT_CONCURRENCY}]"
        )));
    }
}
