//! The sign-in methods, as the command line, `CREDITS_AUTH` and the config file name them.
//! Plain data, so that errors, settings and the clap tree can name a method without
//! depending on how a token is obtained (`auth.rs`).

/// How to obtain the bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum AuthMethod {
    /// The first that applies: CREDITS_ACCESS_TOKEN; AZURE_TENANT_ID + AZURE_CLIENT_ID +
    /// AZURE_CLIENT_SECRET; AZURE_FEDERATED_TOKEN_FILE; an Azure host's managed identity;
    /// else the Azure CLI login.
    Auto,
    /// CREDITS_ACCESS_TOKEN, used as is.
    Token,
    /// The Azure CLI's login (`az login`).
    Cli,
    /// A service principal: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
    ServicePrincipal,
    /// The managed identity of the Azure host (AZURE_CLIENT_ID picks a user-assigned one).
    ManagedIdentity,
    /// Workload identity federation: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE.
    WorkloadIdentity,
}

impl AuthMethod {
    /// The name the command line and `CREDITS_AUTH` use for it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            AuthMethod::Auto => "auto",
            AuthMethod::Token => "token",
            AuthMethod::Cli => "cli",
            AuthMethod::ServicePrincipal => "service-principal",
            AuthMethod::ManagedIdentity => "managed-identity",
            AuthMethod::WorkloadIdentity => "workload-identity",
        }
    }
}
