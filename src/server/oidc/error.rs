//! What a person is told when signing in through a provider did not work.

/// Why a sign-in through a provider did not happen, said so the person can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    #[error("{provider} cannot be reached right now ({detail}). Try again in a moment, or sign in another way.")]
    Unreachable { provider: String, detail: String },
    #[error("{provider} did not sign you in: {error}{}.", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    ProviderSaid { provider: String, error: String, description: Option<String> },
    #[error("This answer from {provider} does not match a sign-in started in this browser: it was used already, is older than 10 minutes, or was started elsewhere. Start again.")]
    UnknownState { provider: String },
    #[error("{provider}'s ID token was refused: {why}.")]
    IdToken { provider: String, why: String },
    #[error("{provider}'s clock and ours differ too much ({detail}). Ask whoever runs Meeting Admin to check the server's time.")]
    ClockOff { provider: String, detail: String },
    #[error("{provider} did not say who you are: its answer has no '{claim}' claim.")]
    NoIdentity { provider: String, claim: String },
    #[error("{provider} sent a name that is not plain text ({why}).")]
    NotPlain { provider: String, why: String },
    #[error("You are signed in as {identity} at {provider}, but none of your groups may use Meeting Admin. Ask for one of its groups there.")]
    NoRole { provider: String, identity: String },
    #[error("No sign-in provider is called '{0}' here.")]
    NoSuchProvider(String),
    #[error("Your sign-in at {provider} could not be renewed ({why}). Sign in again.")]
    Ended { provider: String, why: String },
    #[error("Signing in failed on our side; nothing was changed. Try again, and tell whoever runs Meeting Admin if it goes on (request {request_id}).")]
    Internal { request_id: String },
}

impl OidcError {
    /// Its kind, for the log and the audit entry.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unreachable { .. } => "provider unreachable",
            Self::ProviderSaid { .. } => "provider refused",
            Self::UnknownState { .. } => "unknown or replayed state",
            Self::IdToken { .. } => "ID token refused",
            Self::ClockOff { .. } => "clock difference",
            Self::NoIdentity { .. } => "no identity claim",
            Self::NotPlain { .. } => "identity not plain text",
            Self::NoRole { .. } => "no role",
            Self::NoSuchProvider(_) => "no such provider",
            Self::Ended { .. } => "renewal failed",
            Self::Internal { .. } => "internal",
        }
    }
}
