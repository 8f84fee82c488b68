//! The one resolver: `--profile` / `--all` / `--account` / `--customer` (from the flags, the
//! environment or the config file) become a `Selection`, checked against the scopes the
//! command's reads are served at before any request; `read` then resolves it (names matched
//! after NFC and case folding, one wording for "matches nothing" and "matches several") and
//! runs the command's read at one scope, or at every profile for `--all` (one row per
//! profile, its value or why it could not be read).
//!
//! It also holds the profile cache policy and the one re-resolution rule: when a profile that
//! came from the cache answers 404 (it moved or was removed), the cache entry is dropped, the
//! profile resolved afresh and the read done once more, but only if nothing has been written
//! to stdout yet, so a script never receives a record twice.
//!
//! Must not: print (other than progress), take an id apart (`model::scope` does), or derive
//! the cache key itself (`ArmClient::cache_key` does, beside the token).

use crate::arm::billing::{customer_pages, list_accounts, list_customers, Customer};
use crate::arm::ArmClient;
use crate::cache::ProfileCache;
use crate::cli::ScopeArgs;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::model::domain::{AccountRef, BillingAccount, BillingProfile, ScopeRef};
use crate::model::row::{ProfileRow, RowError};
use crate::model::scope::{Scope, ScopeKind};
use crate::output::Flow;
use crate::settings::{Setting, Source};
use futures::stream::{self, StreamExt};

const NO_READABLE_PROFILE: &str = "this sign-in can read no Microsoft Customer Agreement billing profile; it needs a billing role on the billing account or profile (subscription roles do not apply)";

/// What the scope flags select, before anything is looked up.
#[derive(Debug, Clone)]
pub(crate) enum Selection {
    /// `--profile` (or `CREDITS_PROFILE`, or the config file): one billing profile.
    Profile(Setting<String>),
    /// `--all`: every readable MCA billing profile but those left out (`--exclude`).
    All(Setting<Vec<String>>),
    /// `--account`: one billing account.
    Account(String),
    /// `--customer`: one of a partner's customers.
    Customer(String),
    /// `--customer` repeated, or `--customers-from FILE`: these customers, a row each, in
    /// the order given (each once, at its first place).
    Customers(Vec<String>),
    /// `--all-customers` (with `--account A`: of that partner account only).
    AllCustomers(Option<String>),
}

/// Which scopes a command reads, for `Selection::from_flags`.
pub(crate) struct Served {
    /// The command, for messages: `credits forecast`.
    pub(crate) command: &'static str,
    /// The kinds of one scope it reads (`--all` reads billing profiles).
    pub(crate) kinds: &'static [ScopeKind],
    /// Why the others are not served: `Azure keeps no balance summary for a billing account`.
    pub(crate) why_not: &'static str,
}

impl Served {
    /// The flags that select what the command reads: `--profile, --all or --customer`.
    fn flags(&self) -> String {
        let mut flags: Vec<&str> = Vec::new();
        for kind in self.kinds {
            flags.extend(kind.flag());
            if *kind == ScopeKind::BillingProfile {
                flags.push("--all");
            }
        }
        match flags.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    fn refuse(&self, kind: ScopeKind) -> Error {
        Error::usage(format!(
            "{} does not read {}: {}; it reads {}",
            self.command,
            kind.with_article(),
            self.why_not,
            self.flags()
        ))
    }
}

impl Selection {
    /// Whether it is a customer sweep (`--all-customers`, several `--customer`,
    /// `--customers-from`).
    pub(crate) fn is_sweep(&self) -> bool {
        matches!(self, Selection::Customers(_) | Selection::AllCustomers(_))
    }

    /// The selection of the flags (the profile from the environment or the config file when
    /// no scope flag is given), refused before any request when the command does not read
    /// that kind of scope. A full id given to the wrong flag is refused too.
    pub(crate) fn from_flags(
        context: &Context,
        flags: &ScopeArgs,
        served: &Served,
    ) -> Result<Self> {
        if !flags.exclude.is_empty() && !flags.all {
            return Err(Error::usage(
                "--exclude leaves profiles out of --all; give --all with it, or name the one profile with --profile",
            ));
        }
        let selection = if flags.all {
            Selection::All(context.settings.exclude(&flags.exclude))
        } else if flags.all_customers {
            Selection::AllCustomers(flags.account.clone())
        } else if let Some(account) = &flags.account {
            Selection::Account(account.clone())
        } else if flags.customer.len() > 1 || flags.customers_from.is_some() {
            let mut queries = flags.customer.clone();
            if let Some(path) = &flags.customers_from {
                queries.extend(crate::customers_file::read(path)?);
            }
            let mut seen = std::collections::HashSet::new();
            queries.retain(|query| seen.insert(comparable(query)));
            if queries.is_empty() {
                return Err(Error::usage(
                    "--customers-from names no customer; give one display name, name, id or tenant id a line",
                ));
            }
            Selection::Customers(queries)
        } else if let Some(customer) = flags.customer.first() {
            Selection::Customer(customer.clone())
        } else {
            Selection::Profile(context.settings.profile(flags.profile.profile.as_deref())?)
        };
        let (kind, text, flag) = match &selection {
            Selection::Profile(query) => {
                (ScopeKind::BillingProfile, query.value.as_str(), "--profile")
            }
            Selection::All(_) => (ScopeKind::BillingProfile, "", "--all"),
            Selection::Account(query) => (ScopeKind::BillingAccount, query.as_str(), "--account"),
            Selection::Customer(query) => (ScopeKind::Customer, query.as_str(), "--customer"),
            Selection::Customers(_) => (ScopeKind::Customer, "", "--customer"),
            Selection::AllCustomers(_) => (ScopeKind::Customer, "", "--all-customers"),
        };
        // A full id of another kind than its flag's says which flag takes it (before the
        // served check, which would otherwise blame the flag's kind).
        if let Some(scope) = full_id(text) {
            if scope.kind() != kind {
                let what = scope.kind().with_article();
                return Err(Error::usage(match scope.kind().flag() {
                    Some(right) => format!("{flag} {text} is {what} id; pass it with {right}"),
                    None => format!(
                        "{flag} {text} is {what} id; {} reads no {}",
                        served.command,
                        scope.kind().noun()
                    ),
                }));
            }
        }
        if !served.kinds.contains(&kind) {
            return Err(served.refuse(kind));
        }
        Ok(selection)
    }
}

/// A full scope id, parsed; `None` for a name. Text that starts like an id but is not a
/// well-formed one is a name to look up (it matches nothing, and the message says so).
fn full_id(text: &str) -> Option<Scope> {
    if !Scope::looks_like_id(text) {
        return None;
    }
    Scope::parse(text).ok()
}

/// The result of `read`: the value of the one scope selected, or a row per profile.
pub(crate) enum Resolved<T> {
    One(ScopeRef, T),
    Many(Vec<ProfileRow<T>>),
}

/// Resolves `selection` and runs `read` at what it names: at the one scope (a stale cached
/// profile resolved afresh and read once more, before any output only), or at every readable
/// profile (`--all`), `concurrency` at a time, in listing order.
pub(crate) async fn read<T>(
    context: &Context,
    selection: &Selection,
    read: impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
) -> Result<Resolved<T>> {
    match selection {
        Selection::All(exclude) => Ok(Resolved::Many(
            every_profile(context, exclude, &read).await?,
        )),
        Selection::Profile(query) => {
            let (scope, value) = with_profile(context, query, read).await?;
            Ok(Resolved::One(scope, value))
        }
        Selection::Account(query) => {
            let scope = account(context, query).await?;
            read_at(context, scope, &read).await
        }
        Selection::Customer(query) => {
            let scope = customer(context, query).await?;
            read_at(context, scope, &read).await
        }
        Selection::AllCustomers(_) | Selection::Customers(_) => {
            let mut rows = Vec::new();
            sweep(
                context,
                selection,
                read,
                |_| false,
                |row| {
                    rows.push(row);
                    Ok(Flow::Continue(()))
                },
            )
            .await?;
            Ok(Resolved::Many(rows))
        }
    }
}

/// How a sweep ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Swept {
    /// Rows handed on.
    pub(crate) rows: usize,
    /// Customers listed or named in all (those skipped included).
    pub(crate) total: usize,
    /// The reader of the rows went away (`on_row` answered `Break`) before the last row.
    pub(crate) stopped: bool,
}

/// A customer sweep (`Selection::is_sweep`): every customer's row handed to `on_row` in
/// listing order (or the order given) as soon as the rows before it are done, so the rows
/// in memory are the few being read, not the whole run. `--all-customers` reads the first
/// customers while the rest are still being listed. Customers `skip` answers true for are
/// not read (`--resume`: read by an earlier run). `on_row` may answer `Break` (nobody reads any more):
/// the sweep stops. A listing that fails part way ends the sweep with its error after the
/// rows already handed on.
pub(crate) async fn sweep<T>(
    context: &Context,
    selection: &Selection,
    read: impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
    skip: impl Fn(&ScopeRef) -> bool,
    mut on_row: impl FnMut(ProfileRow<T>) -> Result<Flow>,
) -> Result<Swept> {
    let client = context.client().await?;
    client.deadline_from_progress();
    // `listed` counts the customers to read now; those `skip` names are counted apart.
    let listing = Listing::default();
    let skipped = std::sync::atomic::AtomicUsize::new(0);
    let (sender, targets) = futures::channel::mpsc::unbounded::<Pending>();
    let unless_read = |(account, scope): (AccountRef, ScopeRef)| -> Option<Pending> {
        if skip(&scope) {
            skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return None;
        }
        listing.add(1);
        Some((account, scope, None))
    };
    // Set when the rows' reader went away: the listing stops too.
    let gone = std::cell::Cell::new(false);
    let listed = async {
        match selection {
            Selection::AllCustomers(account) => {
                let accounts = partner_accounts(context, account.as_deref()).await?;
                context.printer.progress().stage("customers");
                for account in &accounts {
                    if gone.get() {
                        break;
                    }
                    let owner = AccountRef::of(account);
                    let account_name = account.display_name.clone().unwrap_or(account.name.clone());
                    customer_pages(client, &account.id, |page| -> Result<Flow> {
                        for customer in page {
                            let customer = listed_customer(customer, &owner, &account_name)?;
                            if let Some(target) = unless_read((customer.account, customer.scope)) {
                                if sender.unbounded_send(target).is_err() {
                                    gone.set(true);
                                    return Ok(Flow::Break(()));
                                }
                            }
                        }
                        Ok(Flow::Continue(()))
                    })
                    .await?;
                }
                if listing.listed() + skipped.load(std::sync::atomic::Ordering::Relaxed) == 0 {
                    return Err(Error::not_found(
                        "the Microsoft Partner Agreement accounts visible to this sign-in list no customer",
                    ));
                }
            }
            Selection::Customers(queries) => {
                let named = named_customers(context, queries).await?;
                for target in named.into_iter().filter_map(unless_read) {
                    // The receiver lives as long as this sweep: a send cannot fail here.
                    let _ = sender.unbounded_send(target);
                }
            }
            _ => {
                return Err(Error::unavailable(
                    "a sweep was asked of a selection that is not one",
                ))
            }
        }
        listing.complete();
        sender.close_channel();
        Ok(())
    };
    // Rows the reader got: one whose writing found the reader gone is not counted.
    let mut rows = 0;
    let reading = scope_rows(context, "customer", targets, &listing, &read, |row| {
        let flow = on_row(row)?;
        if flow.is_continue() {
            rows += 1;
        } else {
            gone.set(true);
        }
        Ok(flow)
    });
    let (_, flow) = futures::future::try_join(listed, reading).await?;
    let skipped = skipped.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Swept {
        rows,
        total: listing.listed() + skipped,
        stopped: flow.is_break(),
    })
}

/// How many targets a sweep has listed so far, and whether the listing is complete.
#[derive(Default)]
pub(crate) struct Listing {
    listed: std::sync::atomic::AtomicUsize,
    complete: std::sync::atomic::AtomicBool,
}

impl Listing {
    fn of(count: usize) -> Self {
        let listing = Listing::default();
        listing.add(count);
        listing.complete();
        listing
    }

    fn add(&self, count: usize) {
        self.listed
            .fetch_add(count, std::sync::atomic::Ordering::Relaxed);
    }

    fn complete(&self) {
        self.complete
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn listed(&self) -> usize {
        self.listed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn is_complete(&self) -> bool {
        self.complete.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// `5000`, or `1200+` while the listing goes on.
    fn total(&self) -> String {
        if self.is_complete() {
            self.listed().to_string()
        } else {
            format!("{}+", self.listed())
        }
    }
}

/// A customer as listed, with the partner account it is under.
struct ListedCustomer {
    account: AccountRef,
    scope: ScopeRef,
    /// Its display name (or name), for matching and messages.
    shown: String,
}

/// The Microsoft Partner Agreement accounts visible (or the one `only` names).
async fn partner_accounts(context: &Context, only: Option<&str>) -> Result<Vec<BillingAccount>> {
    let (accounts, _) = known_accounts(context).await?;
    let only = match only {
        Some(query) => Some(match_account(&accounts, query)?),
        None => None,
    };
    let partner: Vec<BillingAccount> = accounts
        .into_iter()
        .filter(|a| {
            a.agreement_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("MicrosoftPartnerAgreement"))
        })
        .filter(|a| {
            only.as_ref()
                .is_none_or(|o| o.id().eq_ignore_ascii_case(&a.id))
        })
        .collect();
    if partner.is_empty() {
        return Err(Error::not_found(match &only {
            Some(account) => format!(
                "{} is not a Microsoft Partner Agreement account: it has no customers",
                account.label()
            ),
            None => "no Microsoft Partner Agreement account is visible to this sign-in, so it has no customers".to_string(),
        }));
    }
    Ok(partner)
}

/// Every customer of every Microsoft Partner Agreement account visible, in listing order:
/// accounts as listed, then each one's customers.
async fn partner_customers(context: &Context) -> Result<Vec<ListedCustomer>> {
    let accounts = partner_accounts(context, None).await?;
    let client = context.client().await?;
    context.printer.progress().stage("customers");
    let mut listed = Vec::new();
    for account in &accounts {
        let owner = AccountRef::of(account);
        let account_name = account.display_name.clone().unwrap_or(account.name.clone());
        for customer in list_customers(client, &account.id).await? {
            listed.push(listed_customer(customer, &owner, &account_name)?);
        }
    }
    Ok(listed)
}

/// A customer as Azure listed it, under its account; a malformed id ends the listing (its
/// row could not be named).
fn listed_customer(
    customer: Customer,
    owner: &AccountRef,
    account_name: &str,
) -> Result<ListedCustomer> {
    let scope = Scope::parse(&customer.id)
        .ok()
        .filter(|s| s.kind() == ScopeKind::Customer)
        .ok_or_else(|| {
            Error::unavailable(format!(
                "Azure listed a customer with the malformed id {:?}",
                customer.id
            ))
        })?;
    let display = customer.properties.display_name;
    Ok(ListedCustomer {
        account: owner.clone(),
        shown: display.clone().unwrap_or(customer.name),
        scope: ScopeRef {
            scope,
            display_name: display,
            currency: None,
            account_display_name: Some(account_name.to_string()),
            standing: None,
        },
    })
}

/// The customers `queries` name, in their order: a full id as given, anything else matched
/// against the listing (display name after NFC in any case, name, id; the name is the tenant
/// id an ACO file holds). A query that matches no customer, or several, is exit 5 before any
/// read, naming every such query: a sweep never runs with a row silently missing.
async fn named_customers(
    context: &Context,
    queries: &[String],
) -> Result<Vec<(AccountRef, ScopeRef)>> {
    let needs_listing = queries.iter().any(|q| full_id(q).is_none());
    let listed = if needs_listing {
        partner_customers(context).await?
    } else {
        Vec::new()
    };
    let mut targets = Vec::new();
    let mut unmatched = Vec::new();
    for query in queries {
        if let Some(scope) = full_id(query).filter(|s| s.kind() == ScopeKind::Customer) {
            let scope = ScopeRef::bare(scope);
            targets.push((scope.account(), scope));
            continue;
        }
        let wanted = comparable(query);
        let trimmed = query.trim().trim_end_matches('/');
        let hits: Vec<&ListedCustomer> = listed
            .iter()
            .filter(|c| {
                comparable(&c.shown) == wanted
                    || c.scope.name().eq_ignore_ascii_case(trimmed)
                    || c.scope.id().eq_ignore_ascii_case(trimmed)
            })
            .collect();
        match hits.as_slice() {
            [one] => targets.push((one.account.clone(), one.scope.clone())),
            [] => unmatched.push(format!("{} (no customer)", AsTyped(query))),
            several => unmatched.push(format!("{} ({} customers)", AsTyped(query), several.len())),
        }
    }
    if !unmatched.is_empty() {
        let count = unmatched.len();
        let shown: Vec<String> = unmatched.into_iter().take(20).collect();
        return Err(Error::not_found(format!(
            "{count} of the {} customers named match{} no single customer: {}{}",
            queries.len(),
            if count == 1 { "es" } else { "" },
            shown.join(", "),
            if count > 20 { ", …" } else { "" }
        ))
        .hinted("give each customer's display name, name, full id or tenant id; `credits balance --all-customers --json` reads them all"));
    }
    // The same customer named two ways is read once, at its first place.
    let mut seen = std::collections::HashSet::new();
    targets.retain(|(_, scope)| seen.insert(scope.id().to_ascii_lowercase()));
    Ok(targets)
}

/// A row to read: its account and scope, and why it is not read when that is already decided
/// (left out, listed badly).
type Pending = (AccountRef, ScopeRef, Option<RowError>);

/// Runs `read` at every target as it comes, `concurrency` at a time (the governor decides
/// how many are in flight), handing each row to `on_row` in the targets' order as soon as the
/// rows before it are done: at most a window of rows is held. With `--max-time` the rows are
/// held until the estimate of the run is known to fit (or the run ends), so a run stopped
/// early writes nothing. Answers `Break` when `on_row` did.
async fn scope_rows<T>(
    context: &Context,
    noun: &'static str,
    targets: impl futures::Stream<Item = Pending>,
    listing: &Listing,
    read: &impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
    mut on_row: impl FnMut(ProfileRow<T>) -> Result<Flow>,
) -> Result<Flow> {
    use std::sync::atomic::Ordering::Relaxed;
    let client = context.client().await?;
    let progress = context.printer.progress();
    progress.stage(format!("{noun} 1 of {}", listing.total()));
    let started = std::time::Instant::now();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let done = &done;
    let max_time = context.settings.max_time;
    // Set once `--max-time` is known to be kept (at once without one).
    let released = std::cell::Cell::new(max_time.is_none());
    let reading = async {
        let rows = targets
            .map(|(account, profile, decided)| async move {
                let result = match decided {
                    Some(error) => Err(error),
                    None => read(client, profile.clone()).await.map_err(Into::into),
                };
                let finished = done.fetch_add(1, Relaxed) + 1;
                if started.elapsed() < RICH_PROGRESS_AFTER {
                    let next = (finished + 1).min(listing.listed().max(1));
                    progress.stage(format!("{noun} {next} of {}", listing.total()));
                }
                ProfileRow {
                    account,
                    profile,
                    result,
                }
            })
            .buffered(client.concurrency());
        tokio::pin!(rows);
        let mut held = Vec::new();
        while let Some(row) = rows.next().await {
            held.push(row);
            if released.get() {
                for row in held.drain(..) {
                    if on_row(row)?.is_break() {
                        return Ok(Flow::Break(()));
                    }
                }
            }
        }
        for row in held {
            if on_row(row)?.is_break() {
                return Ok(Flow::Break(()));
            }
        }
        Ok(Flow::Continue(()))
    };
    // A long run says how it goes: the rate, the limit learnt from Azure, the 429s and when
    // it should end, or why it waits; and ends early when `--max-time` cannot be kept.
    let telling = async {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            let elapsed = started.elapsed();
            let finished = done.load(Relaxed);
            if elapsed >= RICH_PROGRESS_AFTER {
                progress.stage(sweep_status(
                    noun,
                    finished,
                    listing,
                    elapsed,
                    &client.throttle_state(),
                ));
            }
            if let Some(max) = max_time {
                let written = context.printer.has_written();
                match max_time_kept(noun, finished, listing, elapsed, max, written) {
                    MaxTime::Unknown => {}
                    MaxTime::Kept => released.set(true),
                    MaxTime::Broken(error) => return error,
                }
            }
        }
    };
    tokio::pin!(reading);
    // The rows first: a run that has just finished is never thrown away by the clock.
    tokio::select! {
        biased;
        flow = &mut reading => flow,
        error = telling => Err(error),
    }
}

/// Whether `--max-time` can be kept.
enum MaxTime {
    /// Too early to say.
    Unknown,
    /// The estimate of the whole run fits.
    Kept,
    /// The time is up, or the estimate is longer: the run ends with this error.
    Broken(Error),
}

/// `--max-time` cannot be kept when the time is up, or (once the rate is known: after 2 s
/// and a twentieth of the rows, or after 10 s) the estimate of the whole run is longer. A
/// listing still going on gives a lower bound, which is enough to say no.
fn max_time_kept(
    noun: &str,
    done: usize,
    listing: &Listing,
    elapsed: std::time::Duration,
    max: std::time::Duration,
    written: bool,
) -> MaxTime {
    let hint =
        "raise --max-time, or run the sweep on part of the customers (--customers-from FILE)";
    let total = listing.listed();
    let output = if written {
        "the rows written are whole; the others were not read"
    } else {
        "nothing was written"
    };
    if elapsed >= max {
        return MaxTime::Broken(
            Error::unavailable(format!(
                "--max-time {} s is up with {done} of {} {noun}s read; {output}",
                max.as_secs(),
                listing.total()
            ))
            .hinted(hint),
        );
    }
    let known = elapsed >= std::time::Duration::from_secs(2)
        && (done * 20 >= total || elapsed >= RICH_PROGRESS_AFTER);
    if !known || done == 0 {
        return MaxTime::Unknown;
    }
    let rate = done as f64 / elapsed.as_secs_f64();
    let needed = elapsed.as_secs_f64() + (total - done.min(total)) as f64 / rate;
    if needed > max.as_secs_f64() {
        return MaxTime::Broken(
            Error::unavailable(format!(
                "at {rate:.1} {noun}s a second the {} {noun}s need about {} s, more than --max-time {} s; stopped early, {output}",
                listing.total(),
                needed.round(),
                max.as_secs()
            ))
            .hinted(hint),
        );
    }
    if listing.is_complete() {
        MaxTime::Kept
    } else {
        MaxTime::Unknown
    }
}

/// When a long run's progress line starts telling its rate and finish.
const RICH_PROGRESS_AFTER: std::time::Duration = std::time::Duration::from_secs(10);

/// `customers 1834/5000 · 24.8/s (limit 25/s) · 429: 0 · ETA 2m08s`, or while Azure's pause
/// lasts, `customers 1834/5000 · paused 12 s (retry-after) · 429: 3`.
fn sweep_status(
    noun: &str,
    done: usize,
    listing: &Listing,
    elapsed: std::time::Duration,
    state: &crate::arm::client::ThrottleState,
) -> String {
    let head = format!("{noun}s {done}/{}", listing.total());
    if let Some((left, header)) = &state.paused {
        return format!(
            "{head} · paused {} s ({header}) · 429: {}",
            left.as_secs().max(1),
            state.throttled
        );
    }
    let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
    let limit = state
        .limit
        .map(|limit| format!(" (limit {limit:.0}/s)"))
        .unwrap_or_default();
    // The finish is known once the listing is.
    let eta = if rate > 0.0 && listing.is_complete() {
        let total = listing.listed();
        let seconds = ((total - done.min(total)) as f64 / rate).round() as u64;
        format!(" · ETA {}m{:02}s", seconds / 60, seconds % 60)
    } else {
        String::new()
    };
    format!(
        "{head} · {rate:.1}/s{limit} · 429: {}{eta}",
        state.throttled
    )
}

async fn read_at<T>(
    context: &Context,
    scope: ScopeRef,
    read: &impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
) -> Result<Resolved<T>> {
    let client = context.client().await?;
    context.printer.progress().stage(scope.label());
    let value = read(client, scope.clone()).await?;
    Ok(Resolved::One(scope, value))
}

/// Where a resolved profile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The user gave the full id.
    Direct,
    Cache,
    Listing,
}

/// The cache entry of this endpoint and signed-in principal.
async fn profile_cache(context: &Context) -> Result<Option<ProfileCache>> {
    let Some(dir) = &context.settings.cache_dir else {
        return Ok(None);
    };
    let key = context.client().await?.cache_key().await?;
    Ok(Some(ProfileCache::new(&dir.value, key)))
}

/// Lists every account with its profiles and refreshes the cache with the answer.
pub(crate) async fn fresh_accounts(context: &Context) -> Result<Vec<BillingAccount>> {
    context
        .printer
        .progress()
        .stage("billing accounts and profiles");
    let accounts = list_accounts(context.client().await?).await?;
    if let Some(cache) = profile_cache(context).await? {
        cache.save(&accounts);
    }
    Ok(accounts)
}

/// The accounts from the cache when it is fresh (and `--refresh` was not given), else
/// listed.
async fn known_accounts(context: &Context) -> Result<(Vec<BillingAccount>, Origin)> {
    if !context.settings.refresh {
        if let Some(accounts) = profile_cache(context).await?.and_then(|c| c.load()) {
            return Ok((accounts, Origin::Cache));
        }
    }
    Ok((fresh_accounts(context).await?, Origin::Listing))
}

/// Drops this principal's cached listing and lists afresh.
async fn relist(context: &Context) -> Result<Vec<BillingAccount>> {
    if let Some(cache) = profile_cache(context).await? {
        cache.forget();
    }
    fresh_accounts(context).await
}

/// The one re-resolution rule: only a cached profile that Azure says is not there, and only
/// while nothing has been written.
fn worth_resolving_again(context: &Context, origin: Origin, kind: ErrorKind) -> bool {
    origin == Origin::Cache && kind == ErrorKind::NotFound && !context.printer.has_written()
}

async fn resolve_profile(context: &Context, query: &str) -> Result<(ScopeRef, Origin)> {
    if let Some(scope) = full_id(query) {
        return Ok((ScopeRef::bare(scope), Origin::Direct));
    }
    if !context.settings.refresh {
        if let Some(accounts) = profile_cache(context).await?.and_then(|c| c.load()) {
            // A miss or an ambiguity in the cache may be staleness: only a fresh listing
            // decides those.
            if let Ok(profile) = match_profile(&accounts, query) {
                return Ok((profile, Origin::Cache));
            }
        }
    }
    let accounts = fresh_accounts(context).await?;
    Ok((match_profile(&accounts, query)?, Origin::Listing))
}

/// Resolves `query` and runs `read` with the client and the profile.
async fn with_profile<T>(
    context: &Context,
    query: &Setting<String>,
    read: impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
) -> Result<(ScopeRef, T)> {
    let (profile, origin) = resolve_profile(context, &query.value)
        .await
        .map_err(|error| named_where_it_came_from(error, query))?;
    let client = context.client().await?;
    context.printer.progress().stage(profile.label());
    match read(client, profile.clone()).await {
        Err(error) if worth_resolving_again(context, origin, error.kind) => {
            let accounts = relist(context).await?;
            let profile = match_profile(&accounts, &query.value)?;
            context.printer.progress().stage(profile.label());
            let value = read(client, profile.clone()).await?;
            Ok((profile, value))
        }
        result => result.map(|value| (profile, value)),
    }
}

/// A profile name that matched nothing may not have been typed: say where it came from.
fn named_where_it_came_from(error: Error, query: &Setting<String>) -> Error {
    if error.kind != ErrorKind::NotFound || matches!(query.source, Source::Flag(_)) {
        return error;
    }
    let origin = query.source.describe("--profile", &query.value);
    error.hinted(format!("the profile was given by {origin}"))
}

/// `read` for every readable MCA profile of every account. A profile that fails is a row
/// that says why. If the listing came from the cache and a profile answers 404, the listing
/// is made afresh and every profile read again, once, before any output.
async fn every_profile<T>(
    context: &Context,
    exclude: &Setting<Vec<String>>,
    read: &impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
) -> Result<Vec<ProfileRow<T>>> {
    let (accounts, origin) = known_accounts(context).await?;
    let rows = read_rows(context, &accounts, exclude, read).await?;
    let stale = rows
        .iter()
        .filter_map(ProfileRow::error)
        .any(|e| worth_resolving_again(context, origin, e.kind));
    if stale {
        let accounts = relist(context).await?;
        return read_rows(context, &accounts, exclude, read).await;
    }
    Ok(rows)
}

/// Every readable profile of the MCA accounts, with its account. A profile Azure listed with
/// a malformed id is a row that says so (named from its account's id and its name), not the
/// end of the run.
fn readable_profiles(accounts: &[BillingAccount]) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    for account in accounts.iter().filter(|a| a.has_credits) {
        let owner = AccountRef::of(account);
        for profile in account
            .billing_profiles
            .iter()
            .filter(|p| p.has_read_access)
        {
            let target = match ScopeRef::in_account(profile, account) {
                Ok(scope) => (owner.clone(), scope, None),
                Err(malformed) => {
                    let named = format!("{}/billingProfiles/{}", account.id, profile.name);
                    let scope = Scope::parse(&named).map_err(|_| {
                        Error::unavailable(format!(
                            "Azure listed a billing profile badly: {malformed}"
                        ))
                    })?;
                    let why = Error::unavailable(format!(
                        "Azure listed this billing profile badly: {malformed}"
                    ));
                    let scope = ScopeRef {
                        display_name: profile.display_name.clone(),
                        account_display_name: account.display_name.clone(),
                        standing: None,
                        ..ScopeRef::bare(scope)
                    };
                    (owner.clone(), scope, Some(why))
                }
            };
            targets.push(target);
        }
    }
    Ok(targets)
}

/// A profile to read, with its account, or why it cannot be.
type Target = (AccountRef, ScopeRef, Option<Error>);

/// The targets `exclude` names (by display name after NFC and case folding, name or full
/// id). A name that matches no readable profile is an error (a typo would otherwise leave a
/// profile in a gate unnoticed), with the closest names.
fn left_out(targets: &[Target], exclude: &Setting<Vec<String>>) -> Result<Vec<usize>> {
    let mut left_out = Vec::new();
    for wanted in &exclude.value {
        let wanted_name = comparable(wanted);
        let id = wanted.trim().trim_end_matches('/');
        let hits: Vec<usize> = targets
            .iter()
            .enumerate()
            .filter(|(_, (_, profile, _))| {
                profile
                    .display_name
                    .as_deref()
                    .is_some_and(|d| comparable(d) == wanted_name)
                    || profile.name().eq_ignore_ascii_case(id)
                    || profile.id().eq_ignore_ascii_case(id)
            })
            .map(|(index, _)| index)
            .collect();
        if hits.is_empty() {
            let names: Vec<String> = targets
                .iter()
                .map(|(_, p, _)| p.label().to_string())
                .collect();
            let known = Known {
                listed: names.iter().map(|n| AsTyped(n).to_string()).collect(),
                names,
            };
            let none: [(); 0] = [];
            let error = match one_match(ScopeKind::BillingProfile, wanted, &none, &known, |_| {
                String::new()
            }) {
                Err(error) => error,
                Ok(_) => Error::not_found("no billing profile matches"),
            };
            return Err(error.hinted(format!(
                "it was given by {}",
                exclude.source.describe("--exclude", wanted)
            )));
        }
        // One name in two accounts: the user must say which (a full id), as with --profile.
        if hits.len() > 1 && full_id(wanted).is_none() {
            let ids: Vec<String> = hits
                .iter()
                .map(|&i| targets[i].1.id().to_string())
                .collect();
            return Err(Error::not_found(format!(
                "{} matches {} billing profiles; pass the full id with --exclude, one of: {}",
                AsTyped(wanted),
                hits.len(),
                ids.join(", ")
            )));
        }
        left_out.extend(hits);
    }
    left_out.sort_unstable();
    left_out.dedup();
    if !targets.is_empty() && left_out.len() == targets.len() {
        return Err(Error::usage(format!(
            "{} leaves out every billing profile: nothing would be read or checked",
            exclude
                .source
                .describe("--exclude", &exclude.value.join(", "))
        )));
    }
    Ok(left_out)
}

/// A listed profile as a scope; an id that is not a billing profile's is Azure's mistake.
fn listed_profile(profile: &BillingProfile, account: &BillingAccount) -> Result<ScopeRef> {
    ScopeRef::in_account(profile, account)
        .map_err(|e| Error::unavailable(format!("Azure listed a billing profile badly: {e}")))
}

/// Whether `error` says this sign-in can read no MCA billing profile: beside the
/// enrollments of `--all-enrollments`, that is no profile rows, not a failure.
pub(crate) fn no_readable_profile(error: &Error) -> bool {
    error.kind == crate::error::ErrorKind::NotFound && error.message == NO_READABLE_PROFILE
}

async fn read_rows<T>(
    context: &Context,
    accounts: &[BillingAccount],
    exclude: &Setting<Vec<String>>,
    read: &impl AsyncFn(&ArmClient, ScopeRef) -> Result<T>,
) -> Result<Vec<ProfileRow<T>>> {
    let targets = readable_profiles(accounts)?;
    if targets.is_empty() {
        return Err(Error::not_found(NO_READABLE_PROFILE));
    }
    let left_out = left_out(&targets, exclude)?;
    let by = exclude.source.name().trim_end_matches(':').to_string();
    let targets = targets
        .into_iter()
        .enumerate()
        .map(|(index, (account, profile, unreadable))| {
            let decided = match unreadable {
                _ if left_out.contains(&index) => Some(RowError::excluded(&by)),
                Some(why) => Some(why.into()),
                None => None,
            };
            (account, profile, decided)
        })
        .collect::<Vec<Pending>>();
    let listing = Listing::of(targets.len());
    let mut rows = Vec::with_capacity(targets.len());
    // Every row is kept: the reader cannot go away.
    let _: Flow = scope_rows(
        context,
        "billing profile",
        stream::iter(targets),
        &listing,
        read,
        |row| {
            rows.push(row);
            Ok(Flow::Continue(()))
        },
    )
    .await?;
    Ok(rows)
}

/// `--account`: a billing account by its display name (after NFC, any case), name or full
/// id, from the cached listing (or a fresh one when the cache does not know it).
async fn account(context: &Context, query: &str) -> Result<ScopeRef> {
    let (accounts, origin) = known_accounts(context).await?;
    match match_account(&accounts, query) {
        Err(error) if origin == Origin::Cache && error.kind == ErrorKind::NotFound => {
            match_account(&fresh_accounts(context).await?, query)
        }
        other => other,
    }
}

/// The billing account `query` names, with its listing (its agreement decides what can be
/// read there: an Enterprise Agreement enrollment has an Azure Prepayment).
pub(crate) async fn account_listed(
    context: &Context,
    query: &str,
) -> Result<(ScopeRef, BillingAccount)> {
    let (mut accounts, origin) = known_accounts(context).await?;
    let scope = match match_account(&accounts, query) {
        Err(error) if origin == Origin::Cache && error.kind == ErrorKind::NotFound => {
            accounts = fresh_accounts(context).await?;
            match_account(&accounts, query)?
        }
        other => other?,
    };
    let listed = accounts
        .into_iter()
        .find(|a| a.id.eq_ignore_ascii_case(scope.id()))
        .ok_or_else(|| {
            Error::unavailable(format!("billing account {} was not listed", scope.id()))
        })?;
    Ok((scope, listed))
}

/// Every billing account this sign-in sees, from the cache when it holds them.
pub(crate) async fn listed_accounts(context: &Context) -> Result<Vec<BillingAccount>> {
    Ok(known_accounts(context).await?.0)
}

/// The billing account `query` names in the cached listing, with its listing; `None` when
/// nothing is cached or nothing matches. Never asks Azure.
pub(crate) async fn cached_account(
    context: &Context,
    query: &str,
) -> Option<(ScopeRef, BillingAccount)> {
    let accounts = profile_cache(context).await.ok()??.load()?;
    let scope = match_account(&accounts, query).ok()?;
    let listed = accounts
        .into_iter()
        .find(|a| a.id.eq_ignore_ascii_case(scope.id()))?;
    Some((scope, listed))
}

/// The rules of `account`, apart from I/O.
pub(crate) fn match_account(accounts: &[BillingAccount], query: &str) -> Result<ScopeRef> {
    let wanted = comparable(query);
    let id = query.trim().trim_end_matches('/');
    let matches: Vec<&BillingAccount> = accounts
        .iter()
        .filter(|a| {
            a.display_name
                .as_deref()
                .is_some_and(|d| comparable(d) == wanted)
                || a.name.eq_ignore_ascii_case(id)
                || a.id.eq_ignore_ascii_case(id)
        })
        .collect();
    let describe = |a: &&BillingAccount| {
        format!(
            "{} ({})",
            AsTyped(a.display_name.as_deref().unwrap_or(&a.name)),
            a.id
        )
    };
    let known = Known {
        listed: accounts.iter().map(|a| describe(&a)).collect(),
        names: accounts
            .iter()
            .map(|a| a.display_name.clone().unwrap_or(a.name.clone()))
            .collect(),
    };
    let found = one_match(ScopeKind::BillingAccount, query, &matches, &known, describe)?;
    let scope = Scope::parse(&found.id)
        .ok()
        .filter(|s| s.kind() == ScopeKind::BillingAccount)
        .ok_or_else(|| {
            Error::unavailable(format!(
                "Azure listed a billing account with the malformed id {:?}",
                found.id
            ))
        })?;
    Ok(ScopeRef {
        scope,
        display_name: found.display_name.clone(),
        currency: None,
        account_display_name: found.display_name.clone(),
        standing: None,
    })
}

/// The one wording of "matches nothing" (naming what there is) and "matches several" (naming
/// each by its full id), for every kind of scope.
fn one_match<'m, M>(
    kind: ScopeKind,
    query: &str,
    matches: &'m [M],
    known: &Known,
    describe: impl Fn(&M) -> String,
) -> Result<&'m M> {
    match matches {
        [one] => Ok(one),
        [] => {
            let noun = kind.noun();
            let closest = closest_names(query, &known.names);
            let suggestion = match closest.as_slice() {
                [] => String::new(),
                names => format!(
                    " (did you mean {}?)",
                    names
                        .iter()
                        .map(|n| AsTyped(n).to_string())
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            };
            Err(Error::not_found(if known.listed.is_empty() {
                format!(
                    "no {noun} matches {}; there is none to choose from",
                    AsTyped(query)
                )
            } else {
                format!(
                    "no {noun} matches {}{suggestion}; the {noun}s are: {}",
                    AsTyped(query),
                    known.listed.join(", ")
                )
            }))
        }
        many => Err(Error::not_found(format!(
            "{} matches {} {}s; pass the full id with {}, one of: {}",
            AsTyped(query),
            many.len(),
            kind.noun(),
            kind.flag().unwrap_or("its flag"),
            many.iter().map(describe).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// What there is to choose from, for "matches nothing": each candidate as listed in the
/// message, and the names to suggest from.
#[derive(Default)]
struct Known {
    listed: Vec<String>,
    names: Vec<String>,
}

/// The names closest to `query` once accents and case are folded away (`Zurich` finds
/// "Forschung Zürich"): the same name, a name holding it as a word, or one a typo or two away.
fn closest_names(query: &str, names: &[String]) -> Vec<String> {
    let wanted = folded(query);
    if wanted.is_empty() {
        return Vec::new();
    }
    let close = |name: &str| {
        let name = folded(name);
        name == wanted
            || (wanted.chars().count() >= 3
                && (name.split(' ').any(|word| word == wanted) || name.contains(&wanted)))
            || edit_distance(&name, &wanted) <= (wanted.chars().count() / 4).max(1)
    };
    let mut closest: Vec<String> = Vec::new();
    for name in names {
        if close(name) && !closest.contains(name) {
            closest.push(name.clone());
        }
    }
    closest.truncate(3);
    closest
}

/// A name without accents, in lower case, spaces collapsed: `Forschung Zürich` ->
/// `forschung zurich`.
pub(crate) fn folded(name: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let bare: String = name
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect::<String>()
        .to_lowercase();
    bare.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Levenshtein distance in characters (names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// `--customer`: a partner's customer by its display name (after NFC, any case), name or
/// full id (`/providers/Microsoft.Billing/billingAccounts/{a}/customers/{c}`), matched over
/// the customers of every Microsoft Partner Agreement account.
async fn customer(context: &Context, query: &str) -> Result<ScopeRef> {
    if let Some(scope) = full_id(query) {
        return Ok(ScopeRef::bare(scope));
    }
    let listed = partner_customers(context).await?;
    let wanted = comparable(query);
    let trimmed = query.trim().trim_end_matches('/');
    let mut known = Known::default();
    let mut matches: Vec<(ScopeRef, String)> = Vec::new();
    for customer in &listed {
        known.listed.push(format!(
            "{} ({})",
            AsTyped(&customer.shown),
            customer.scope.name()
        ));
        known.names.push(customer.shown.clone());
        let hit = customer
            .scope
            .display_name
            .as_deref()
            .is_some_and(|d| comparable(d) == wanted)
            || customer.scope.name().eq_ignore_ascii_case(trimmed)
            || customer.scope.id().eq_ignore_ascii_case(trimmed);
        if hit {
            let account = customer
                .account
                .display_name
                .clone()
                .unwrap_or(customer.account.name.clone());
            matches.push((customer.scope.clone(), account));
        }
    }
    // A long customer list is named in part.
    if known.listed.len() > 20 {
        let more = known.listed.len() - 20;
        known.listed.truncate(20);
        known.listed.push(format!("and {more} more"));
    }
    let describe =
        |(c, account): &(ScopeRef, String)| format!("{} (account {})", c.id(), AsTyped(account));
    let (found, _) = one_match(ScopeKind::Customer, query, &matches, &known, describe)?;
    Ok(found.clone())
}

/// A name as it is compared: Unicode NFC (so a typed `u` + combining diaeresis is `ü`), then
/// lower case, so `zu\u{308}rich` finds "Zürich".
fn comparable(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let lower = name.trim().nfc().collect::<String>().to_lowercase();
    // Lower-casing can decompose (J + caron): composed once more.
    lower.nfc().collect()
}

/// A name in a message, as typed (quoted, not escaped like Rust source), control characters
/// made visible when printed.
struct AsTyped<'a>(&'a str);

impl std::fmt::Display for AsTyped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

/// The matching rules, apart from I/O so they can be tested directly.
pub(crate) fn match_profile(accounts: &[BillingAccount], query: &str) -> Result<ScopeRef> {
    let wanted = comparable(query);
    let mut matches: Vec<(&BillingAccount, &BillingProfile)> = Vec::new();
    for account in accounts {
        for profile in account
            .billing_profiles
            .iter()
            .filter(|p| p.has_read_access)
        {
            let by_display_name = profile
                .display_name
                .as_deref()
                .is_some_and(|d| comparable(d) == wanted);
            let by_name = profile.name.eq_ignore_ascii_case(query);
            let by_id = profile.id.eq_ignore_ascii_case(query.trim_end_matches('/'));
            if (by_display_name || by_name || by_id)
                && !matches
                    .iter()
                    .any(|(_, p)| p.id.eq_ignore_ascii_case(&profile.id))
            {
                matches.push((account, profile));
            }
        }
    }
    // Only MCA profiles have credits: when the name matches some, the others are noise.
    if matches.iter().any(|(a, _)| a.has_credits) {
        matches.retain(|(a, _)| a.has_credits);
    }
    let readable: Vec<&BillingProfile> = accounts
        .iter()
        .filter(|a| a.has_credits)
        .flat_map(|a| a.billing_profiles.iter().filter(|p| p.has_read_access))
        .collect();
    let known = Known {
        listed: readable
            .iter()
            .map(|p| match &p.display_name {
                Some(d) => format!("{} ({})", AsTyped(d), p.name),
                None => p.name.clone(),
            })
            .collect(),
        names: readable
            .iter()
            .map(|p| p.display_name.clone().unwrap_or(p.name.clone()))
            .collect(),
    };
    if matches.is_empty() && known.listed.is_empty() {
        return Err(Error::not_found(format!(
            "no billing profile matches {}: {NO_READABLE_PROFILE}",
            AsTyped(query)
        )));
    }
    let describe = |(a, p): &(&BillingAccount, &BillingProfile)| {
        format!(
            "{} (account {})",
            p.id,
            AsTyped(a.display_name.as_deref().unwrap_or(&a.name))
        )
    };
    let (account, profile) =
        one_match(ScopeKind::BillingProfile, query, &matches, &known, describe)?;
    if !account.has_credits {
        return Err(Error::not_found(format!(
            "billing profile {} belongs to account {}, a {} account; credits exist only for Microsoft Customer Agreement billing profiles",
            AsTyped(query),
            AsTyped(account.display_name.as_deref().unwrap_or(&account.name)),
            account.agreement_type.as_deref().unwrap_or("non-MCA")
        )));
    }
    listed_profile(profile, account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_sweep_tells_its_rate_limit_429s_and_finish_or_why_it_waits() {
        use crate::arm::client::ThrottleState;
        use std::time::Duration;
        let going = ThrottleState {
            limit: Some(25.0),
            throttled: 0,
            paused: None,
        };
        assert_eq!(
            sweep_status(
                "customer",
                1834,
                &Listing::of(5000),
                Duration::from_secs(74),
                &going
            ),
            "customers 1834/5000 · 24.8/s (limit 25/s) · 429: 0 · ETA 2m08s"
        );
        // While the listing goes on, the total is a lower bound and no finish is told.
        let listing = Listing::default();
        listing.add(2000);
        assert_eq!(
            sweep_status("customer", 1834, &listing, Duration::from_secs(74), &going),
            "customers 1834/2000+ · 24.8/s (limit 25/s) · 429: 0"
        );
        let paused = ThrottleState {
            limit: None,
            throttled: 3,
            paused: Some((Duration::from_millis(11_500), "retry-after".into())),
        };
        assert_eq!(
            sweep_status(
                "customer",
                10,
                &Listing::of(20),
                Duration::from_secs(12),
                &paused
            ),
            "customers 10/20 · paused 11 s (retry-after) · 429: 3"
        );
    }

    fn account(name: &str, agreement: &str, profiles: &[(&str, &str)]) -> BillingAccount {
        let id = format!("/providers/Microsoft.Billing/billingAccounts/{name}");
        BillingAccount {
            id: id.clone(),
            name: name.into(),
            display_name: Some(name.into()),
            agreement_type: Some(agreement.into()),
            account_type: None,
            account_status: None,
            has_credits: BillingAccount::is_mca(Some(agreement)),
            billing_profiles: profiles
                .iter()
                .map(|(pname, display)| BillingProfile {
                    id: format!("{id}/billingProfiles/{pname}"),
                    name: pname.to_string(),
                    display_name: Some(display.to_string()),
                    currency: Some("USD".into()),
                    status: None,
                    status_reason_code: None,
                    spending_limit: None,
                    system_id: None,
                    has_read_access: true,
                })
                .collect(),
        }
    }

    #[test]
    fn an_mca_profile_wins_over_a_partner_profile_of_the_same_name() {
        let accounts = [
            account("mpa", "MicrosoftPartnerAgreement", &[("P1", "Development")]),
            account(
                "mca",
                "MicrosoftCustomerAgreement",
                &[("P2", "Development")],
            ),
        ];
        assert_eq!(
            match_profile(&accounts, "development").unwrap().name(),
            "P2"
        );
    }

    #[test]
    fn matches_by_display_name_name_or_id_and_reports_ambiguity() {
        let accounts = [
            account(
                "a",
                "MicrosoftCustomerAgreement",
                &[("P1", "Development"), ("P2", "Prod")],
            ),
            account("b", "MicrosoftCustomerAgreement", &[("P3", "Development")]),
        ];
        assert_eq!(match_profile(&accounts, "p2").unwrap().name(), "P2");
        assert_eq!(match_profile(&accounts, "PROD").unwrap().name(), "P2");
        let by_id = "/providers/Microsoft.Billing/billingAccounts/b/billingProfiles/P3";
        assert_eq!(match_profile(&accounts, by_id).unwrap().name(), "P3");
        let ambiguous = match_profile(&accounts, "Development").unwrap_err();
        assert_eq!(ambiguous.exit_code(), 5);
        assert!(ambiguous
            .message
            .contains("billingAccounts/a/billingProfiles/P1"));
        assert!(ambiguous
            .message
            .contains("billingAccounts/b/billingProfiles/P3"));
        assert_eq!(
            match_profile(&accounts, "Staging").unwrap_err().exit_code(),
            5
        );
    }

    #[test]
    fn names_match_after_nfc_and_case_folding_and_messages_show_them_as_typed() {
        let accounts = vec![account(
            "A",
            "MicrosoftCustomerAgreement",
            &[("ZRH", "Forschung Zürich")],
        )];
        let decomposed = "forschung zu\u{308}rich";
        assert_eq!(match_profile(&accounts, decomposed).unwrap().name(), "ZRH");
        assert_eq!(
            match_profile(&accounts, "FORSCHUNG ZÜRICH").unwrap().name(),
            "ZRH"
        );
        let error = match_profile(&accounts, "Zürich Süd").unwrap_err();
        let unaccented = match_profile(&accounts, "zurich").unwrap_err();
        assert!(
            unaccented.message.contains(
                "no billing profile matches \"zurich\" (did you mean \"Forschung Zürich\"?)"
            ),
            "{unaccented}"
        );
        let typo = match_profile(&accounts, "Forshung Zurich").unwrap_err();
        assert!(
            typo.message.contains("did you mean \"Forschung Zürich\"?"),
            "{typo}"
        );
        assert!(error.message.contains("matches \"Zürich Süd\""), "{error}");
        assert!(
            error.message.contains("\"Forschung Zürich\" (ZRH)"),
            "{error}"
        );
    }
}
