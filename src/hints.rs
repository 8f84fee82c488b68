//! The edge between the Azure client and the user: turns a typed `ArmError` into an `Error`
//! with the command line's words, the flag or variable to change and the next step as
//! hints. The only place that knows which flag fixes which failure.
//!
//! Usage-like failures that a user fixes in one go (a missing variable, a sign-in method that
//! cannot get a token, the time limit) keep their advice in their one line; failures Azure
//! reported get their advice as separate hints.

use crate::arm::auth::ACCESS_TOKEN_VAR;
use crate::arm::method::AuthMethod;
use crate::arm::ArmError;
use crate::error::Error;
use crate::model::scope::ScopeKind;
use crate::settings::{describe_auth, describe_endpoint};

/// The roles that can read credits.
pub(crate) const READER_ROLES: &str = "billing profile owner, contributor, reader or invoice manager, or billing account owner, contributor or reader";

/// The roles that can read invoices.
pub(crate) const INVOICE_ROLES: &str = "billing profile owner, contributor, reader or invoice manager (for --account: billing account owner, contributor or reader)";

/// What a 404 from Consumption almost always means.
const MCA_ONLY: &str = "credits exist only for Microsoft Customer Agreement billing profiles: check the profile with `credits accounts`";

/// What to do when a sign-in method cannot get a token, or Azure rejects it.
pub(crate) fn sign_in(method: AuthMethod) -> String {
    match method {
        AuthMethod::Auto | AuthMethod::Cli => {
            "sign in with `az login` (or pick another method with --auth)".to_string()
        }
        AuthMethod::Token => format!(
            "{ACCESS_TOKEN_VAR} may be expired or issued for another resource; get a new one with `az account get-access-token --resource https://management.azure.com`"
        ),
        AuthMethod::ServicePrincipal => {
            "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (the secret may have expired)".to_string()
        }
        AuthMethod::ManagedIdentity => {
            "check that this Azure host has a managed identity (AZURE_CLIENT_ID selects a user-assigned one)".to_string()
        }
        AuthMethod::WorkloadIdentity => {
            "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE and the identity's federated credential".to_string()
        }
    }
}

/// Whether Azure answered that Cost Management does not exist at this endpoint (a sovereign
/// cloud without it): no provider, namespace or resource type for a Cost Management request.
fn cost_management_missing(error: &ArmError) -> bool {
    match error.root() {
        ArmError::Status(failure) => {
            let lower = failure.request.to_ascii_lowercase();
            let code = failure.code.as_deref().unwrap_or("").to_ascii_lowercase();
            lower.contains("/providers/microsoft.costmanagement/")
                && matches!(failure.status, 400 | 404)
                && matches!(
                    code.as_str(),
                    "noregisteredproviderfound"
                        | "invalidresourcenamespace"
                        | "invalidresourcetype"
                )
        }
        _ => false,
    }
}

impl From<ArmError> for Error {
    fn from(error: ArmError) -> Self {
        if cost_management_missing(&error) {
            return Error::unavailable(
                "Cost Management is not offered at this Resource Manager endpoint (some sovereign clouds have none): credits spend cannot read costs there; credits balance, lots, events and invoices do not need it",
            );
        }
        let kind = error.kind();
        let message = match &error {
            ArmError::MissingSettings {
                method,
                needed,
                missing,
            } => format!(
                "{} needs {} to be set; set {} or choose another method with --auth",
                describe_auth(*method),
                needed.join(", "),
                missing.join(", ")
            ),
            ArmError::CredentialSetup { method, cause } => format!(
                "could not set up the {} credential: {cause}; {}",
                method.name(),
                sign_in(*method)
            ),
            ArmError::Token { method, cause } => format!(
                "could not get a token with {}: {cause}; {}",
                describe_auth(*method),
                sign_in(*method)
            ),
            ArmError::TokenTimeout { method, limit } => format!(
                "could not get a token with {} within {} s (--timeout); {}",
                describe_auth(*method),
                limit.as_secs(),
                sign_in(*method)
            ),
            ArmError::MalformedToken { method } => format!(
                "the token from {} is malformed: it holds a character that cannot be sent in an HTTP header (a line break?); {}",
                describe_auth(*method),
                sign_in(*method)
            ),
            ArmError::Deadline {
                request,
                limit,
                last: None,
            } => format!(
                "gave up on {request} after {} s (--timeout); Azure did not answer in time, try again or raise --timeout",
                limit.as_secs()
            ),
            ArmError::Deadline {
                request,
                limit,
                last: Some(last),
            } => format!(
                "gave up on {request}: the {} s of --timeout ran out before another attempt; the last one: {last}; try again or raise --timeout",
                limit.as_secs()
            ),
            other => other.to_string(),
        };
        let mut result = Error::new(kind, message);
        for hint in hints_for(&error) {
            result = result.hinted(hint);
        }
        result
    }
}

/// The next steps for a failure Azure reported (or that the network caused).
fn hints_for(error: &ArmError) -> Vec<String> {
    let mut hints = Vec::new();
    if let ArmError::WaitTooLong { left, .. } = error {
        hints.push(format!(
            "--timeout sets the time limit ({} s were left); raise it to wait as long as Azure asks",
            left.as_secs()
        ));
    }
    if let ArmError::PageVanished { .. } = error {
        hints.push("the list changed while it was being read; run the command again".into());
        return hints;
    }
    match error.root() {
        ArmError::Status(failure) if failure.status == 401 => hints.push(format!(
            "the token was rejected ({}): {}",
            describe_auth(failure.auth),
            sign_in(failure.auth)
        )),
        ArmError::Status(failure)
            if failure.status == 403 && failure.scope == Some(ScopeKind::Customer) =>
        {
            hints.push(
                "reading a customer's credit needs a role on the partner's Microsoft Partner Agreement billing account (billing account owner, contributor or reader), or the partner tenant's Admin agent role".into(),
            )
        }
        ArmError::Status(failure)
            if failure.status == 403
                && failure.request.to_ascii_lowercase().contains("/invoices") =>
        {
            hints.push(format!("reading invoices needs one of these roles: {INVOICE_ROLES}"))
        }
        ArmError::Status(failure) if failure.status == 403 => hints.push(format!(
            "reading credits needs one of these roles: {READER_ROLES}"
        )),
        // A 404 from Consumption almost always means the scope is not an MCA profile.
        ArmError::Status(failure)
            if failure.status == 404 && failure.consumption =>
        {
            hints.push(MCA_ONLY.into())
        }
        ArmError::Transport { origin, .. } => hints.push(format!(
            "check the network and {}",
            describe_endpoint(origin)
        )),
        _ => {}
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn status(code: u16) -> ArmError {
        ArmError::Status(Box::new(crate::arm::error::StatusFailure {
            request: "GET /x".into(),
            status: code,
            status_text: format!("{code} Something"),
            code: Some("Code".into()),
            message: Some("Message.".into()),
            target: None,
            request_id: Some("r-1".into()),
            auth: AuthMethod::Token,
            scope: Some(ScopeKind::BillingProfile),
            consumption: true,
        }))
    }

    #[test]
    fn azure_failures_get_their_advice_as_hints() {
        let forbidden = Error::from(status(403));
        assert_eq!(forbidden.exit_code(), 4);
        assert_eq!(
            forbidden.message,
            "Azure answered 403 Something for GET /x: Code: Message. (x-ms-request-id: r-1)"
        );
        assert_eq!(forbidden.hints.len(), 1);
        assert!(forbidden.hints[0].contains("billing profile owner"));

        let rejected = Error::from(ArmError::GaveUp {
            last: Box::new(status(401)),
            attempts: 4,
        });
        assert_eq!(rejected.exit_code(), 3);
        assert!(rejected.hints[0].starts_with("the token was rejected (--auth token)"));
    }

    #[test]
    fn time_limits_name_the_flag() {
        let error = Error::from(ArmError::Deadline {
            request: "GET /x".into(),
            limit: Duration::from_secs(3),
            last: None,
        });
        assert!(error.message.contains("(--timeout)"), "{error}");
        assert!(error.hints.is_empty());
        let waited = Error::from(ArmError::WaitTooLong {
            last: Box::new(status(429)),
            wait: Duration::from_secs(3600),
            left: Duration::from_secs(30),
            retry_at: "2026-12-01 11:00:00 UTC".into(),
        });
        assert_eq!(waited.exit_code(), 6);
        assert!(waited
            .message
            .contains("try again after 2026-12-01 11:00:00 UTC"));
        assert!(waited.hints[0].starts_with("--timeout"), "{waited:?}");
    }
}
