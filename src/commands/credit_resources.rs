//! Credit resources beside lots: read once per billing account however many of its profiles
//! ask (`lots --all --resources`), and the flag of a lot whose expiry suspends its billing
//! profile (`lots --resources`, `balance --details`, `report --details`).

use crate::arm::benefits::applicable_credits;
use crate::arm::ArmClient;
use crate::error::Error;
use crate::model::credit_resource::{suspension_flags, CreditResource};
use crate::model::domain::{BalanceSummary, CreditLot, LeftOut, ScopeRef};
use crate::model::scope::{Scope, ScopeKind};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// What a 403 on credit resources says: they are not visible, which is not "no credits".
pub(crate) const NOT_VISIBLE: &str =
    "credit resources not visible (Azure RBAC Reader on the subscription reads them)";

/// The window of the suspension flag when `--expiring-within` does not set one.
pub(crate) const SUSPENSION_WINDOW_DAYS: i64 = 90;

/// Why the credit resources of an account could not be read.
#[derive(Debug, Clone)]
pub(crate) struct Unread {
    /// A 403: said in one sentence, never a failure (anything else is "could not check").
    pub(crate) forbidden: bool,
    pub(crate) why: String,
}

pub(crate) type ResourcesRead = Result<Arc<Vec<CreditResource>>, Unread>;

/// The credit resources of each billing account, read on first ask.
#[derive(Default)]
pub(crate) struct CreditResources {
    by_account: Mutex<HashMap<String, Arc<OnceCell<ResourcesRead>>>>,
}

impl CreditResources {
    /// The credit resources of the billing account `scope` lies in.
    pub(crate) async fn of_account(&self, client: &ArmClient, scope: &Scope) -> ResourcesRead {
        let account = scope.account();
        let cell = match self.by_account.lock() {
            Ok(mut map) => map
                .entry(account.id().to_ascii_lowercase())
                .or_default()
                .clone(),
            // A poisoned map only costs a second read.
            Err(_) => Arc::new(OnceCell::new()),
        };
        cell.get_or_init(|| async {
            applicable_credits(client, &account)
                .await
                .map(Arc::new)
                .map_err(|error| {
                    let forbidden = error.status() == Some(403);
                    let error = Error::from(error);
                    Unread {
                        forbidden,
                        why: error.message,
                    }
                })
        })
        .await
        .clone()
    }
}

/// The resources that belong to what was read: a profile's (or a customer's) own; at
/// account scope, all of the account's.
pub(crate) fn belonging_to<'r>(
    scope: &ScopeRef,
    resources: &'r [CreditResource],
) -> Vec<&'r CreditResource> {
    let same = |id: &Option<String>| {
        id.as_deref()
            .is_some_and(|id| id.trim().eq_ignore_ascii_case(scope.id()))
    };
    resources
        .iter()
        .filter(|r| match scope.kind() {
            ScopeKind::BillingProfile => same(&r.billing_profile_id),
            ScopeKind::Customer => same(&r.customer_id),
            _ => true,
        })
        .collect()
}

/// Sets the suspension flags of a billing profile's balance (`--details`) from its lots
/// and its account's credit resources, or says why they could not be looked for: a 403 in
/// the one sentence that says the resources are not visible.
pub(crate) fn with_suspension_flags(
    summary: &mut BalanceSummary,
    lots: &[CreditLot],
    read: &ResourcesRead,
    as_of: chrono::NaiveDate,
    days: i64,
) {
    match read {
        Ok(resources) => {
            let scope = &summary.billing_profile;
            let own = belonging_to(scope, resources);
            summary.suspension_flags =
                Some(suspension_flags(lots, Some(scope.id()), &own, as_of, days));
        }
        Err(unread) => {
            summary.credit_resources_unread = Some(LeftOut {
                quietly: false,
                why: if unread.forbidden {
                    NOT_VISIBLE.to_string()
                } else {
                    format!("the credit resources could not be read: {}", unread.why)
                },
            });
        }
    }
}
