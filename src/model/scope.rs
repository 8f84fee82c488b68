//! Where credit lives, as Azure names it: a billing account, a billing profile, a partner's
//! customer (and an invoice section, for the invoices to come). A `Scope` is made from an
//! Azure resource id by the one parser here; nothing else in `credits` takes an id apart.
//!
//! Must not: do I/O, or know which API serves which scope (`arm/` decides that from the
//! scope's kind).

use std::fmt;

/// What a scope is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ScopeKind {
    BillingAccount,
    BillingProfile,
    /// A partner's customer, under a Microsoft Partner Agreement account.
    Customer,
    InvoiceSection,
}

impl ScopeKind {
    /// The flag that selects this kind of scope, for messages.
    /// `None` for a kind no flag selects yet (invoice sections).
    pub(crate) fn flag(self) -> Option<&'static str> {
        match self {
            ScopeKind::BillingAccount => Some("--account"),
            ScopeKind::BillingProfile => Some("--profile"),
            ScopeKind::Customer => Some("--customer"),
            ScopeKind::InvoiceSection => None,
        }
    }

    /// "a billing profile", "an invoice section".
    pub(crate) fn with_article(self) -> String {
        let noun = self.noun();
        let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {noun}")
    }

    /// Its name in a sentence: "billing profile".
    pub(crate) fn noun(self) -> &'static str {
        match self {
            ScopeKind::BillingAccount => "billing account",
            ScopeKind::BillingProfile => "billing profile",
            ScopeKind::Customer => "customer",
            ScopeKind::InvoiceSection => "invoice section",
        }
    }
}

/// A billing scope: its id as Azure (or the user) wrote it, and the names in it.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The id without a trailing `/`, in the case it was given.
    id: String,
    kind: ScopeKind,
    /// Byte length of the billing account's id within `id`.
    account_end: usize,
    /// Byte length of the billing profile's id within `id` (profiles and invoice sections).
    profile_end: Option<usize>,
}

impl PartialEq for Scope {
    /// Azure ids compare without regard to case.
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.id.eq_ignore_ascii_case(&other.id)
    }
}

impl Eq for Scope {}

/// Why a text is not a billing scope id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAScope(pub String);

impl fmt::Display for NotAScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const EXPECTED: &str = "a billing scope id looks like /providers/Microsoft.Billing/billingAccounts/{account}[/billingProfiles/{profile}[/invoiceSections/{section}] | /customers/{customer}]";

impl Scope {
    /// Parses a whole scope id; anything after the scope (or a malformed part) is refused.
    pub fn parse(text: &str) -> Result<Scope, NotAScope> {
        let trimmed = text.trim().trim_end_matches('/');
        match Scope::enclosing(trimmed) {
            Some(scope) if scope.id.len() == trimmed.len() => Ok(scope),
            _ => Err(NotAScope(format!(
                "{text:?} is not a billing scope id; {EXPECTED}"
            ))),
        }
    }

    /// True when `text` has the shape of a full scope id (it starts with the billing
    /// provider's path), whether or not it is a well-formed one.
    pub(crate) fn looks_like_id(text: &str) -> bool {
        let lower = text.trim().to_ascii_lowercase();
        lower.starts_with("/providers/microsoft.billing/")
    }

    /// The innermost billing scope that the resource id `id` lies in (a lot's id lies in its
    /// billing profile), or `None` when it names none.
    pub(crate) fn enclosing(id: &str) -> Option<Scope> {
        // Azure writes a few record ids without the leading `/`: the scope is kept with one,
        // so that ids compare alike however they were written.
        if !id.starts_with('/') {
            return Scope::enclosing(&format!("/{id}"));
        }
        let mut parts = Segments::new(id);
        parts.keyword("providers")?;
        parts.keyword("microsoft.billing")?;
        parts.keyword("billingaccounts")?;
        parts.name()?;
        let account_end = parts.at;
        let scope = |kind, end: usize, profile_end| Scope {
            id: id[..end].to_string(),
            kind,
            account_end,
            profile_end,
        };
        let mut after_account = parts.clone();
        if after_account.keyword("billingprofiles").is_some() && after_account.name().is_some() {
            let profile_end = after_account.at;
            let mut after_profile = after_account.clone();
            if after_profile.keyword("invoicesections").is_some() && after_profile.name().is_some()
            {
                return Some(scope(
                    ScopeKind::InvoiceSection,
                    after_profile.at,
                    Some(profile_end),
                ));
            }
            return Some(scope(
                ScopeKind::BillingProfile,
                profile_end,
                Some(profile_end),
            ));
        }
        let mut after_customer = parts.clone();
        if after_customer.keyword("customers").is_some() && after_customer.name().is_some() {
            return Some(scope(ScopeKind::Customer, after_customer.at, None));
        }
        Some(scope(ScopeKind::BillingAccount, account_end, None))
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn kind(&self) -> ScopeKind {
        self.kind
    }

    /// The scope's own name: the id's last segment.
    pub(crate) fn name(&self) -> &str {
        last_segment(&self.id)
    }

    /// The id of the billing account this scope lies in.
    pub(crate) fn account_id(&self) -> &str {
        &self.id[..self.account_end]
    }

    /// The billing account this scope lies in (itself, for an account).
    pub(crate) fn account(&self) -> Scope {
        Scope {
            id: self.id[..self.account_end].to_string(),
            kind: ScopeKind::BillingAccount,
            account_end: self.account_end,
            profile_end: None,
        }
    }

    /// The billing profile this scope lies in (itself, for a profile), if any.
    pub(crate) fn profile(&self) -> Option<Scope> {
        let end = self.profile_end?;
        Some(Scope {
            id: self.id[..end].to_string(),
            kind: ScopeKind::BillingProfile,
            account_end: self.account_end,
            profile_end: Some(end),
        })
    }

    /// True when the resource id `id` is this scope or lies under it.
    pub(crate) fn holds(&self, id: &str) -> bool {
        let own = self.id.trim_start_matches('/');
        let id = id.trim_start_matches('/').trim_end_matches('/');
        id.len() >= own.len()
            && id.as_bytes()[..own.len()].eq_ignore_ascii_case(own.as_bytes())
            && id.as_bytes().get(own.len()).is_none_or(|&b| b == b'/')
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// The last segment of a resource id: a lot's name in its full id, a profile's name.
pub(crate) fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// A walk over the `/`-separated segments of an id, keeping the byte offset reached.
#[derive(Clone)]
struct Segments<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Segments<'a> {
    fn new(text: &'a str) -> Self {
        Segments { text, at: 0 }
    }

    /// The next segment (after one `/`) and moves past it.
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.text[self.at..].strip_prefix('/')?;
        let len = rest.find('/').unwrap_or(rest.len());
        let segment = &rest[..len];
        self.at += 1 + len;
        Some(segment)
    }

    fn keyword(&mut self, word: &str) -> Option<()> {
        self.next()
            .filter(|s| s.eq_ignore_ascii_case(word))
            .map(|_| ())
    }

    fn name(&mut self) -> Option<&'a str> {
        self.next().filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "/providers/Microsoft.Billing/billingAccounts/1234:5678_2019-05-31";

    #[test]
    fn every_kind_is_parsed_with_its_names() {
        let profile = Scope::parse(&format!("{ACCOUNT}/billingProfiles/ABCD-EFGH/")).unwrap();
        assert_eq!(profile.kind(), ScopeKind::BillingProfile);
        assert_eq!(profile.name(), "ABCD-EFGH");
        assert_eq!(profile.id(), format!("{ACCOUNT}/billingProfiles/ABCD-EFGH"));
        assert_eq!(profile.account().id(), ACCOUNT);
        assert_eq!(profile.account().name(), "1234:5678_2019-05-31");
        assert_eq!(profile.profile().as_ref(), Some(&profile));

        let customer = Scope::parse(&format!("{ACCOUNT}/customers/C1")).unwrap();
        assert_eq!(customer.kind(), ScopeKind::Customer);
        assert_eq!(customer.name(), "C1");
        assert_eq!(customer.profile(), None);

        let account = Scope::parse(ACCOUNT).unwrap();
        assert_eq!(account.kind(), ScopeKind::BillingAccount);
        assert_eq!(account.account(), account);

        let section =
            Scope::parse(&format!("{ACCOUNT}/billingProfiles/P/invoiceSections/S")).unwrap();
        assert_eq!(section.kind(), ScopeKind::InvoiceSection);
        assert_eq!(section.profile().unwrap().name(), "P");
    }

    #[test]
    fn keywords_ignore_case_and_ids_compare_without_it() {
        let lower =
            Scope::parse("/PROVIDERS/microsoft.billing/BILLINGACCOUNTS/a/billingprofiles/p")
                .unwrap();
        let upper =
            Scope::parse("/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P")
                .unwrap();
        assert_eq!(lower, upper);
        assert_eq!(lower.kind(), ScopeKind::BillingProfile);
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "",
            "Development",
            "/providers/Microsoft.Billing/billingAccounts",
            "/providers/Microsoft.Billing/billingAccounts//billingProfiles/p",
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/",
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p/extra",
            "/providers/Microsoft.Consumption/lots/l1",
            "/subscriptions/s/providers/Microsoft.Billing/billingAccounts/a",
        ] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_record_id_lies_in_its_innermost_scope() {
        let lot = format!("{ACCOUNT}/billingProfiles/P1/providers/Microsoft.Consumption/lots/G202");
        let scope = Scope::enclosing(&lot).unwrap();
        assert_eq!(scope.kind(), ScopeKind::BillingProfile);
        assert_eq!(scope.name(), "P1");
        assert!(scope.holds(&lot));
        assert!(!Scope::parse(&format!("{ACCOUNT}/billingProfiles/P"))
            .unwrap()
            .holds(&lot));
        let macc = format!("{ACCOUNT}/providers/Microsoft.Consumption/lots/M1");
        assert_eq!(
            Scope::enclosing(&macc).unwrap().kind(),
            ScopeKind::BillingAccount
        );
        assert_eq!(
            Scope::enclosing("/providers/Microsoft.Consumption/lots/l1"),
            None
        );
        let unslashed = "providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P1/x";
        let with_slash =
            Scope::parse("/providers/Microsoft.Billing/billingAccounts/A/billingProfiles/P1");
        assert_eq!(Scope::enclosing(unslashed).unwrap().name(), "P1");
        assert_eq!(Scope::enclosing(unslashed), with_slash.ok());
        assert!(scope.holds(&lot.to_uppercase()));
        assert_eq!(last_segment(&lot), "G202");
    }
}
