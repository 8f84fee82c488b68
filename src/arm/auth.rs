//! Choosing one credential and getting one token per run.
//!
//! azure_identity 1.x has no credential chain on purpose: trying one credential after another
//! turns a configuration mistake or a transient failure into a security problem. The `auto`
//! method therefore picks exactly one method from the configuration present, and a failure of that
//! method is reported, never papered over by another.

use super::error::{ArmError, ArmResult};
use super::method::AuthMethod;

use azure_core::credentials::{Secret, TokenCredential};
use azure_identity::{
    AzureCliCredential, ClientSecretCredential, ManagedIdentityCredential,
    ManagedIdentityCredentialOptions, UserAssignedId, WorkloadIdentityCredential,
};
use std::fmt;
use std::sync::Arc;

pub(crate) const ACCESS_TOKEN_VAR: &str = "CREDITS_ACCESS_TOKEN";
const TENANT_VAR: &str = "AZURE_TENANT_ID";
const CLIENT_VAR: &str = "AZURE_CLIENT_ID";
const SECRET_VAR: &str = "AZURE_CLIENT_SECRET";
const FEDERATED_TOKEN_VAR: &str = "AZURE_FEDERATED_TOKEN_FILE";
/// Set by App Service, Functions, Container Apps and Azure Arc.
const IDENTITY_ENDPOINT_VAR: &str = "IDENTITY_ENDPOINT";
/// Set by Cloud Shell and Azure ML.
const MSI_ENDPOINT_VAR: &str = "MSI_ENDPOINT";

/// Where the token comes from, once chosen. Opaque: the token it holds or gets is only
/// ever read inside `arm/`.
pub(crate) struct TokenSource(Source);

enum Source {
    /// A token given to us (CREDITS_ACCESS_TOKEN, or the demo's).
    Given(Secret),
    Credential {
        method: AuthMethod,
        credential: Arc<dyn TokenCredential>,
    },
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Given(_) => f.write_str("TokenSource::Given(<redacted>)"),
            Source::Credential { method, .. } => write!(f, "TokenSource::{}", method.name()),
        }
    }
}

fn env_value(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn require(method: AuthMethod, names: &[&'static str]) -> ArmResult<Vec<String>> {
    let missing: Vec<&'static str> = names
        .iter()
        .copied()
        .filter(|n| env_value(n).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(ArmError::MissingSettings {
            method,
            needed: names.to_vec(),
            missing,
        });
    }
    Ok(names.iter().filter_map(|n| env_value(n)).collect())
}

/// Why `auto` chose `method` in this environment, for messages: the variables it found, or
/// (for the Azure CLI) that none of the other methods was set up, naming a service principal
/// left half set.
pub(crate) fn why_auto(method: AuthMethod) -> String {
    match method {
        AuthMethod::Token => format!("{ACCESS_TOKEN_VAR} is set"),
        AuthMethod::ServicePrincipal => {
            format!("{TENANT_VAR}, {CLIENT_VAR} and {SECRET_VAR} are set")
        }
        AuthMethod::WorkloadIdentity => format!("{FEDERATED_TOKEN_VAR} is set"),
        AuthMethod::ManagedIdentity => {
            format!("{IDENTITY_ENDPOINT_VAR} or {MSI_ENDPOINT_VAR} is set (an Azure host)")
        }
        AuthMethod::Cli | AuthMethod::Auto => {
            let set: Vec<&str> = [TENANT_VAR, CLIENT_VAR, SECRET_VAR]
                .into_iter()
                .filter(|n| env_value(n).is_some())
                .collect();
            let unset: Vec<&str> = [TENANT_VAR, CLIENT_VAR, SECRET_VAR]
                .into_iter()
                .filter(|n| env_value(n).is_none())
                .collect();
            if set.is_empty() {
                format!("no {ACCESS_TOKEN_VAR}, service principal, workload identity or managed identity is set up")
            } else {
                format!(
                    "{} {} set but {} {} not, so no service principal could be used",
                    set.join(" and "),
                    if set.len() == 1 { "is" } else { "are" },
                    unset.join(" and "),
                    if unset.len() == 1 { "is" } else { "are" }
                )
            }
        }
    }
}

/// Which method `auto` stands for in this environment.
pub(crate) fn resolve_auto() -> AuthMethod {
    if env_value(ACCESS_TOKEN_VAR).is_some() {
        AuthMethod::Token
    } else if [TENANT_VAR, CLIENT_VAR, SECRET_VAR]
        .iter()
        .all(|n| env_value(n).is_some())
    {
        AuthMethod::ServicePrincipal
    } else if env_value(FEDERATED_TOKEN_VAR).is_some() {
        AuthMethod::WorkloadIdentity
    } else if env_value(IDENTITY_ENDPOINT_VAR).is_some() || env_value(MSI_ENDPOINT_VAR).is_some() {
        AuthMethod::ManagedIdentity
    } else {
        AuthMethod::Cli
    }
}

fn credential_error(method: AuthMethod, error: azure_core::Error) -> ArmError {
    ArmError::CredentialSetup {
        method,
        cause: one_line(&error.to_string()),
    }
}

/// Builds the token source for `method` from the environment. Does no network I/O.
pub(crate) fn token_source(method: AuthMethod) -> ArmResult<TokenSource> {
    let method = match method {
        AuthMethod::Auto => resolve_auto(),
        other => other,
    };
    let credential: Arc<dyn TokenCredential> = match method {
        AuthMethod::Auto => unreachable!("resolved above"),
        AuthMethod::Token => {
            let token = require(method, &[ACCESS_TOKEN_VAR])?.remove(0);
            return Ok(TokenSource(Source::Given(Secret::new(
                token.trim().to_string(),
            ))));
        }
        AuthMethod::ServicePrincipal => {
            let values = require(method, &[TENANT_VAR, CLIENT_VAR, SECRET_VAR])?;
            ClientSecretCredential::new(
                &values[0],
                values[1].clone(),
                Secret::new(values[2].clone()),
                None,
            )
            .map_err(|e| credential_error(method, e))?
        }
        AuthMethod::WorkloadIdentity => {
            require(method, &[TENANT_VAR, CLIENT_VAR, FEDERATED_TOKEN_VAR])?;
            WorkloadIdentityCredential::new(None).map_err(|e| credential_error(method, e))?
        }
        AuthMethod::ManagedIdentity => {
            let options = ManagedIdentityCredentialOptions {
                user_assigned_id: env_value(CLIENT_VAR).map(UserAssignedId::ClientId),
                ..Default::default()
            };
            ManagedIdentityCredential::new(Some(options))
                .map_err(|e| credential_error(method, e))?
        }
        AuthMethod::Cli => {
            AzureCliCredential::new(None).map_err(|e| credential_error(method, e))?
        }
    };
    Ok(TokenSource(Source::Credential { method, credential }))
}

impl TokenSource {
    /// The demo tenant's token: it accepts any.
    pub(crate) fn demo() -> Self {
        TokenSource(Source::Given(Secret::new("demo-token")))
    }

    #[cfg(test)]
    pub(super) fn given(token: &str) -> Self {
        TokenSource(Source::Given(Secret::new(token.to_string())))
    }

    pub(crate) fn method(&self) -> AuthMethod {
        match &self.0 {
            Source::Given(_) => AuthMethod::Token,
            Source::Credential { method, .. } => *method,
        }
    }

    /// True when the token is already at hand (no credential to ask).
    pub(super) fn is_given(&self) -> bool {
        matches!(self.0, Source::Given(_))
    }

    /// Gets the token for `scope` (`<endpoint>/.default`).
    pub(super) async fn token(&self, scope: &str) -> ArmResult<Secret> {
        match &self.0 {
            Source::Given(secret) => Ok(secret.clone()),
            Source::Credential { method, credential } => credential
                .get_token(&[scope], None)
                .await
                .map(|access| access.token)
                .map_err(|e| ArmError::Token {
                    method: *method,
                    cause: one_line(&e.to_string()),
                }),
        }
    }

    /// Who is signed in when the token itself does not say (it is not a JWT): the method
    /// and the non-secret client settings. Part of the profile cache key.
    pub(super) fn configured_identity(&self) -> String {
        format!(
            "auth={};client={};tenant={}",
            self.method().name(),
            env_value(CLIENT_VAR).unwrap_or_default(),
            env_value(TENANT_VAR).unwrap_or_default()
        )
    }
}

/// Folds a multi-line message (credential errors quote tool output) into one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
