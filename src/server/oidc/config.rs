//! Providers from the environment: every `OIDC_<NAME>_<SETTING>` variable (or `--oidc
//! <NAME>_<SETTING>=value`, which wins) names a provider and one of its settings. A name is
//! letters and digits; a misspelt setting is refused rather than ignored.

use std::collections::BTreeMap;

use crate::server::config::values::{bad, ConfigError};
use crate::server::secret::Secret;
use crate::server::sso::roles::{parse_groups, RoleGroups};

const SETTINGS: &[&str] = &[
    "ISSUER",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "CLIENT_SECRET_FILE",
    "DISPLAY_NAME",
    "SCOPES",
    "IDENTITY_CLAIM",
    "GROUPS_CLAIM",
    "ADMIN_GROUPS",
    "OPERATOR_GROUPS",
    "VIEWER_GROUPS",
    "ALLOWED_GROUPS",
    "JWKS_REFETCH_INTERVAL",
];

/// One provider as configured.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Lowercase; in its sign-in and callback addresses (`/auth/oidc/<name>/…`).
    pub name: String,
    /// On its button: "Sign in with <display>".
    pub display: String,
    pub issuer: url::Url,
    pub client_id: String,
    /// None: a public client, protected by PKCE alone.
    pub client_secret: Option<Secret>,
    pub scopes: Vec<String>,
    /// The claim that names the person on pages and in the audit log.
    pub identity_claim: String,
    /// Where the groups are: a dotted path into the claims (`realm_access.roles`).
    pub groups_claim: Vec<String>,
    pub roles: RoleGroups,
    /// When not empty, only members of one of these may sign in at all.
    pub allowed: Vec<String>,
    /// A token naming an unknown key fetches the keys again, at most this often.
    pub refetch_every: std::time::Duration,
}

fn problem(var: String, what: impl std::fmt::Display) -> ConfigError {
    bad("OIDC_<NAME>_<SETTING>", "oidc", format!("{var}: {what}"))
}

/// Every provider named by `env` (the process environment, `OIDC_…=value`) and `flags` (`--oidc
/// NAME_SETTING=value`), sorted by name.
pub fn parse(env: impl IntoIterator<Item = (String, String)>, flags: &[String]) -> Result<Vec<ProviderConfig>, ConfigError> {
    let mut raw: BTreeMap<String, BTreeMap<&'static str, String>> = BTreeMap::new();
    let from_flags = flags.iter().map(|f| match f.split_once('=') {
        Some((k, v)) => Ok((format!("OIDC_{}", k.trim()), v.to_owned())),
        None => Err(problem(format!("--oidc {f}"), "write it as NAME_SETTING=value")),
    });
    let from_env = env.into_iter().filter(|(k, _)| k.starts_with("OIDC_")).map(Ok);
    for entry in from_env.chain(from_flags) {
        let (var, value) = entry?;
        let rest = var["OIDC_".len()..].to_owned();
        let Some((name, setting)) = rest.split_once('_').map(|(n, s)| (n.to_owned(), s.to_owned())) else {
            return Err(problem(var, "name a provider and a setting, as OIDC_OKTA_ISSUER"));
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(problem(var, "a provider's name is letters and digits only"));
        }
        let Some(setting) = SETTINGS.iter().find(|s| s.eq_ignore_ascii_case(&setting)) else {
            return Err(problem(var, format!("'{setting}' is not a setting; use one of {}", SETTINGS.join(", "))));
        };
        raw.entry(name.to_ascii_lowercase()).or_default().insert(setting, value);
    }
    raw.into_iter().map(|(name, settings)| provider(name, settings)).collect()
}

fn provider(name: String, mut s: BTreeMap<&'static str, String>) -> Result<ProviderConfig, ConfigError> {
    let upper = name.to_ascii_uppercase();
    let var = |setting: &str| format!("OIDC_{upper}_{setting}");
    let mut take = |setting: &'static str| s.remove(setting).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let issuer_raw = take("ISSUER").ok_or_else(|| problem(var("ISSUER"), "is required: the provider's issuer URL"))?;
    let issuer = url::Url::parse(&issuer_raw)
        .ok()
        .filter(|u| u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)))
        .ok_or_else(|| problem(var("ISSUER"), format!("'{issuer_raw}' is not an https URL (http only on loopback, for tests)")))?;
    let client_id = take("CLIENT_ID").ok_or_else(|| problem(var("CLIENT_ID"), "is required: the client id the provider gave Meeting Admin"))?;
    let client_secret = match (take("CLIENT_SECRET"), take("CLIENT_SECRET_FILE")) {
        (Some(_), Some(_)) => return Err(problem(var("CLIENT_SECRET"), format!("give it or {}, not both", var("CLIENT_SECRET_FILE")))),
        (Some(secret), None) => Some(Secret::new(secret)),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(&path).map_err(|e| problem(var("CLIENT_SECRET_FILE"), format!("cannot read {path}: {e}")))?;
            Some(Secret::new(text.trim()))
        }
        (None, None) => None,
    };
    let mut scopes: Vec<String> = take("SCOPES").unwrap_or_else(|| "openid email profile".into()).split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_owned).collect();
    if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    let groups_claim: Vec<String> = take("GROUPS_CLAIM").unwrap_or_else(|| "groups".into()).split('.').map(str::to_owned).collect();
    if groups_claim.iter().any(String::is_empty) {
        return Err(problem(var("GROUPS_CLAIM"), "is a claim's name, or a dotted path such as realm_access.roles"));
    }
    let roles = RoleGroups {
        admin: parse_groups(&take("ADMIN_GROUPS").unwrap_or_default()),
        operator: parse_groups(&take("OPERATOR_GROUPS").unwrap_or_default()),
        viewer: parse_groups(&take("VIEWER_GROUPS").unwrap_or_default()),
    };
    if roles.is_empty() {
        return Err(problem(var("ADMIN_GROUPS"), format!("name at least one group in {}, {} or {}", var("ADMIN_GROUPS"), var("OPERATOR_GROUPS"), var("VIEWER_GROUPS"))));
    }
    let display = take("DISPLAY_NAME").unwrap_or_else(|| {
        let mut c = name.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    });
    let refetch_every = match take("JWKS_REFETCH_INTERVAL") {
        Some(raw) => crate::server::config::values::parse_duration(&raw).map_err(|p| problem(var("JWKS_REFETCH_INTERVAL"), p))?,
        None => std::time::Duration::from_secs(30),
    };
    Ok(ProviderConfig {
        refetch_every,
        display,
        issuer,
        client_id,
        client_secret,
        scopes,
        identity_claim: take("IDENTITY_CLAIM").unwrap_or_else(|| "email".into()),
        groups_claim,
        roles,
        allowed: parse_groups(&take("ALLOWED_GROUPS").unwrap_or_default()),
        name,
    })
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn providers_from_variables_and_flags() {
        let e = env(&[
            ("OIDC_OKTA_ISSUER", "https://acme.okta.com"),
            ("OIDC_OKTA_CLIENT_ID", "0oa1"),
            ("OIDC_OKTA_CLIENT_SECRET", "s3cret"),
            ("OIDC_OKTA_GROUPS_CLAIM", "realm_access.roles"),
            ("OIDC_OKTA_ADMIN_GROUPS", "it-admins"),
            ("PATH", "/bin"),
        ]);
        let flags = vec!["KC_ISSUER=http://127.0.0.1:9/realms/x".to_owned(), "KC_CLIENT_ID=ma".into(), "KC_VIEWER_GROUPS=staff".into(), "KC_SCOPES=email offline_access".into()];
        let p = parse(e, &flags).unwrap();
        assert_eq!(p.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["kc", "okta"]);
        assert_eq!(p[1].display, "Okta");
        assert_eq!(p[1].groups_claim, ["realm_access", "roles"]);
        assert_eq!(format!("{:?}", p[1].client_secret), "Some(Secret([redacted]))");
        assert!(p[0].client_secret.is_none(), "a public client");
        assert_eq!(p[0].scopes, ["openid", "email", "offline_access"]);
        assert_eq!(p[1].scopes, ["openid", "email", "profile"]);
    }

    #[test]
    fn mistakes_are_named() {
        let err = |pairs: &[(&str, &str)]| parse(env(pairs), &[]).unwrap_err().problem;
        assert!(err(&[("OIDC_OKTA_ISUER", "x")]).contains("'ISUER' is not a setting"));
        assert!(err(&[("OIDC_OKTA_CLIENT_ID", "x"), ("OIDC_OKTA_ADMIN_GROUPS", "a")]).starts_with("OIDC_OKTA_ISSUER: is required"));
        assert!(err(&[("OIDC_OKTA_ISSUER", "http://acme.okta.com"), ("OIDC_OKTA_CLIENT_ID", "x")]).contains("not an https URL"));
        assert!(err(&[("OIDC_OKTA_ISSUER", "https://a"), ("OIDC_OKTA_CLIENT_ID", "x")]).starts_with("OIDC_OKTA_ADMIN_GROUPS: name at least one group"));
        assert!(err(&[("OIDC_O-K_ISSUER", "https://a")]).contains("letters and digits"));
        assert!(parse(vec![], &["nonsense".into()]).unwrap_err().problem.contains("NAME_SETTING=value"));
        assert!(parse(vec![], &[]).unwrap().is_empty());
    }
}
