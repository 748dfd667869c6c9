//! Sign-in through the company's SSO gateway: a signed assertion (preferred) or trusted
//! headers from the gateway's address. The identity and role are derived on every request, so a
//! group removed at the identity provider takes effect at once; no session is kept for them.

pub mod cidr;
pub mod headers;
pub mod jwt;
pub mod identify;
pub mod roles;

use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use clap::Args;
use std::net::SocketAddr;

use self::headers::{FromHeaders, HeaderSettings};
use self::jwt::{JwksCache, JwtSettings};
use self::roles::{parse_groups, RoleGroups};
use super::config::values::{parse_duration, ConfigError};
use crate::domain::{SignInMethod, Staff};

#[derive(Debug, Clone, Args)]
pub struct SsoArgs {
    /// Signed-assertion mode: the header the gateway puts its JWT in (e.g. Cf-Access-Jwt-Assertion).
    #[arg(long = "sso-jwt-header", env = "SSO_JWT_HEADER", global = true)]
    pub jwt_header: Option<String>,
    /// The identity provider's key set (JWKS) URL; required with SSO_JWT_HEADER.
    #[arg(long = "sso-jwks-url", env = "SSO_JWKS_URL", global = true)]
    pub jwks_url: Option<String>,
    /// Expected `iss` of assertions; required with SSO_JWT_HEADER.
    #[arg(long = "sso-issuer", env = "SSO_ISSUER", global = true)]
    pub issuer: Option<String>,
    /// Expected `aud` of assertions; required with SSO_JWT_HEADER.
    #[arg(long = "sso-audience", env = "SSO_AUDIENCE", global = true)]
    pub audience: Option<String>,
    /// The claim holding the user's identity.
    #[arg(long = "sso-identity-claim", env = "SSO_IDENTITY_CLAIM", default_value = "email", global = true)]
    pub identity_claim: String,
    /// The claim holding the user's groups (an array, or a comma-separated string).
    #[arg(long = "sso-groups-claim", env = "SSO_GROUPS_CLAIM", default_value = "groups", global = true)]
    pub groups_claim: String,
    /// At most one refetch of the key set per this interval (on an unknown key id).
    #[arg(long = "sso-jwks-refetch-interval", env = "SSO_JWKS_REFETCH_INTERVAL", default_value = "30s", global = true)]
    pub jwks_refetch_interval: String,
    /// Trusted-header mode: the header holding the user's identity (e.g. X-Forwarded-Email).
    #[arg(long = "sso-user-header", env = "SSO_USER_HEADER", global = true)]
    pub user_header: Option<String>,
    /// Trusted-header mode: the header holding the user's groups, comma-separated.
    #[arg(long = "sso-groups-header", env = "SSO_GROUPS_HEADER", global = true)]
    pub groups_header: Option<String>,
    /// Trusted-header mode: the gateway's addresses (CIDR list); required with SSO_USER_HEADER.
    #[arg(long = "sso-trusted-proxies", env = "SSO_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Groups whose members are admins (comma-separated).
    #[arg(long = "sso-admin-groups", env = "SSO_ADMIN_GROUPS", default_value = "", global = true)]
    pub admin_groups: String,
    /// Groups whose members are operators.
    #[arg(long = "sso-operator-groups", env = "SSO_OPERATOR_GROUPS", default_value = "", global = true)]
    pub operator_groups: String,
    /// Groups whose members are viewers.
    #[arg(long = "sso-viewer-groups", env = "SSO_VIEWER_GROUPS", default_value = "", global = true)]
    pub viewer_groups: String,
    /// Whether local accounts may sign in; false when a gateway is in front (the `user` CLI still works).
    #[arg(long = "local-login", env = "LOCAL_LOGIN", default_value = "true", global = true)]
    pub local_login: String,
    /// Local accounts that may still sign in with LOCAL_LOGIN=false (comma-separated): the
    /// break-glass admin for when the identity provider is down.
    #[arg(long = "break-glass-accounts", env = "BREAK_GLASS_ACCOUNTS", default_value = "", global = true)]
    pub break_glass: String,
    /// An OpenID Connect provider's setting, as NAME_SETTING=value (repeatable); the same as the
    /// variable OIDC_NAME_SETTING, e.g. OIDC_OKTA_ISSUER (see README).
    #[arg(long = "oidc", value_name = "NAME_SETTING=VALUE", global = true)]
    pub oidc: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum SsoMode {
    Jwt(JwtSettings),
    Headers(HeaderSettings),
}

#[derive(Debug, Clone)]
pub struct SsoConfig {
    pub mode: SsoMode,
    pub roles: RoleGroups,
}

fn bad(var: &'static str, flag: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { var, flag, problem: problem.into() }
}

fn header_name(var: &'static str, flag: &'static str, raw: &str) -> Result<http::HeaderName, ConfigError> {
    http::HeaderName::from_bytes(raw.trim().to_ascii_lowercase().as_bytes()).map_err(|_| bad(var, flag, format!("'{raw}' is not a header name")))
}

fn required<'a>(v: &'a Option<String>, var: &'static str, flag: &'static str, mode: &str) -> Result<&'a str, ConfigError> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| bad(var, flag, format!("is required with {mode}")))
}

/// `LOCAL_LOGIN`, and the SSO mode if one is configured. `providers`: whether OpenID Connect
/// providers are configured (another way to sign in, which a gateway in front would shadow).
pub fn parse(a: &SsoArgs, providers: bool) -> Result<(bool, Option<SsoConfig>), ConfigError> {
    let local_login = match a.local_login.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => true,
        "false" | "0" | "no" | "off" => false,
        other => return Err(bad("LOCAL_LOGIN", "local-login", format!("'{other}' is not true or false"))),
    };
    let roles = RoleGroups { admin: parse_groups(&a.admin_groups), operator: parse_groups(&a.operator_groups), viewer: parse_groups(&a.viewer_groups) };
    let jwt = a.jwt_header.as_deref().filter(|h| !h.trim().is_empty());
    let user = a.user_header.as_deref().filter(|h| !h.trim().is_empty());
    let mode = match (jwt, user) {
        (Some(_), Some(_)) => return Err(bad("SSO_USER_HEADER", "sso-user-header", "choose one mode: SSO_JWT_HEADER or SSO_USER_HEADER, not both")),
        (Some(h), None) => {
            let mode = "SSO_JWT_HEADER";
            let jwks = required(&a.jwks_url, "SSO_JWKS_URL", "sso-jwks-url", mode)?;
            let jwks_url = url::Url::parse(jwks)
                .ok()
                .filter(|u| matches!(u.scheme(), "https" | "http"))
                .ok_or_else(|| bad("SSO_JWKS_URL", "sso-jwks-url", format!("'{jwks}' is not an http(s) URL")))?;
            SsoMode::Jwt(JwtSettings {
                header: header_name("SSO_JWT_HEADER", "sso-jwt-header", h)?,
                jwks_url,
                issuer: required(&a.issuer, "SSO_ISSUER", "sso-issuer", mode)?.to_owned(),
                audience: required(&a.audience, "SSO_AUDIENCE", "sso-audience", mode)?.to_owned(),
                identity_claim: a.identity_claim.trim().to_owned(),
                groups_claim: a.groups_claim.trim().to_owned(),
                refetch_interval: parse_duration(&a.jwks_refetch_interval)
                    .map_err(|p| bad("SSO_JWKS_REFETCH_INTERVAL", "sso-jwks-refetch-interval", p))?,
            })
        }
        (None, Some(h)) => {
            let proxies = required(&a.trusted_proxies, "SSO_TRUSTED_PROXIES", "sso-trusted-proxies", "SSO_USER_HEADER")?;
            SsoMode::Headers(HeaderSettings {
                user: header_name("SSO_USER_HEADER", "sso-user-header", h)?,
                groups: a.groups_header.as_deref().filter(|g| !g.trim().is_empty()).map(|g| header_name("SSO_GROUPS_HEADER", "sso-groups-header", g)).transpose()?,
                trusted_proxies: cidr::parse_list(proxies).map_err(|p| bad("SSO_TRUSTED_PROXIES", "sso-trusted-proxies", p))?,
            })
        }
        (None, None) => {
            if !local_login && !providers {
                return Err(bad("LOCAL_LOGIN", "local-login", "cannot be false without an SSO mode (SSO_JWT_HEADER or SSO_USER_HEADER) or an OpenID Connect provider (OIDC_<NAME>_ISSUER): nobody could sign in"));
            }
            return Ok((local_login, None));
        }
    };
    if providers {
        return Err(bad("SSO_USER_HEADER", "sso-user-header", "choose a gateway in front (SSO_JWT_HEADER or SSO_USER_HEADER) or OpenID Connect providers (OIDC_*), not both"));
    }
    if roles.is_empty() {
        return Err(bad("SSO_ADMIN_GROUPS", "sso-admin-groups", "name at least one group in SSO_ADMIN_GROUPS, SSO_OPERATOR_GROUPS or SSO_VIEWER_GROUPS"));
    }
    Ok((local_login, Some(SsoConfig { mode, roles })))
}

/// The running SSO check, shared by every request.
#[derive(Debug, Clone)]
pub struct Sso {
    kind: Arc<Kind>,
    roles: Arc<RoleGroups>,
}

#[derive(Debug)]
enum Kind {
    Jwt(JwksCache),
    Headers(HeaderSettings),
}

/// Someone the gateway vouches for, but whose groups grant no role here.
#[derive(Debug, Clone)]
pub struct NoRole(pub String);

impl Sso {
    pub fn new(c: SsoConfig) -> Result<Self, String> {
        let kind = match c.mode {
            SsoMode::Jwt(s) => Kind::Jwt(JwksCache::new(s)?),
            SsoMode::Headers(h) => Kind::Headers(h),
        };
        Ok(Self { kind: Arc::new(kind), roles: Arc::new(c.roles) })
    }

    fn staff(&self, identity: String, groups: &[String]) -> Result<Staff, NoRole> {
        match self.roles.role_for(groups) {
            Some(role) => Ok(Staff { username: identity, role, method: SignInMethod::Sso }),
            None => Err(NoRole(identity)),
        }
    }
}

/// The longest identity a gateway may name (an e-mail address is at most 254).
const MAX_IDENTITY: usize = 256;

impl Sso {
    /// An identity passes the one check for text from outside before it names anyone: it ends
    /// up in every log line and audit entry of the person's requests.
    fn verdict_for(&self, identity: &str, groups: &[String]) -> Verdict {
        match crate::domain::plain_text(identity) {
            Ok(s) if !s.is_empty() && s.chars().count() <= MAX_IDENTITY => match self.staff(s.to_owned(), groups) {
                Ok(staff) => Verdict::Staff(staff),
                Err(n) => Verdict::NoRole(n),
            },
            Ok(_) => Verdict::Refused(StatusCode::BAD_REQUEST, format!("Refused: the identity is empty or longer than {MAX_IDENTITY} characters.")),
            Err(why) => Verdict::Refused(StatusCode::BAD_REQUEST, format!("Refused: the identity is not plain text. {why}")),
        }
    }
}

pub(crate) enum Verdict {
    Absent,
    Staff(Staff),
    NoRole(NoRole),
    Refused(StatusCode, String),
}

pub(crate) async fn verdict(sso: &Sso, req: &http::request::Parts) -> Verdict {
    match &*sso.kind {
        Kind::Jwt(cache) => {
            let token = match headers::at_most_once(&req.headers, cache.header()) {
                Ok(None) => return Verdict::Absent,
                Ok(Some(one)) => one.to_str().unwrap_or_default().trim().to_owned(),
                Err(why) => return Verdict::Refused(StatusCode::BAD_REQUEST, format!("Refused: {why}.")),
            };
            match cache.verify(&token).await {
                Ok(v) => sso.verdict_for(&v.identity, &v.groups),
                Err(e) => Verdict::Refused(StatusCode::UNAUTHORIZED, format!("Your sign-in assertion was refused: {e}.")),
            }
        }
        Kind::Headers(h) => {
            let peer = req.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
            match headers::identify(h, &req.headers, peer) {
                FromHeaders::Absent => Verdict::Absent,
                FromHeaders::Untrusted => {
                    tracing::warn!(peer = ?peer, header = %h.user, "identity header from an untrusted address ignored");
                    Verdict::Absent
                }
                FromHeaders::Identity { identity, groups } => sso.verdict_for(&identity, &groups),
                FromHeaders::Refused(why) => Verdict::Refused(StatusCode::BAD_REQUEST, format!("Refused: {why}.")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        sso: SsoArgs,
    }

    fn parse_args(args: &[&str]) -> Result<(bool, Option<SsoConfig>), ConfigError> {
        let mut argv = vec!["t"];
        argv.extend_from_slice(args);
        parse(&T::try_parse_from(argv).unwrap().sso, false)
    }

    #[test]
    fn modes_and_their_requirements() {
        assert!(matches!(parse_args(&[]), Ok((true, None))));
        assert_eq!(parse_args(&["--local-login", "false"]).unwrap_err().var, "LOCAL_LOGIN");
        assert_eq!(parse_args(&["--sso-user-header", "X-Forwarded-Email", "--sso-admin-groups", "a"]).unwrap_err().var, "SSO_TRUSTED_PROXIES");
        assert_eq!(parse_args(&["--sso-user-header", "X-Forwarded-Email", "--sso-trusted-proxies", "10.0.0.1"]).unwrap_err().var, "SSO_ADMIN_GROUPS");
        assert_eq!(parse_args(&["--sso-jwt-header", "X-Jwt", "--sso-admin-groups", "a"]).unwrap_err().var, "SSO_JWKS_URL");
        let both = ["--sso-jwt-header", "X-Jwt", "--sso-user-header", "X-Email"];
        assert_eq!(parse_args(&both).unwrap_err().var, "SSO_USER_HEADER");
        let ok = parse_args(&["--sso-user-header", "X-Forwarded-Email", "--sso-trusted-proxies", "127.0.0.2/32", "--sso-viewer-groups", "staff", "--local-login", "false"]);
        assert!(matches!(ok, Ok((false, Some(SsoConfig { mode: SsoMode::Headers(_), .. })))));
    }
}
