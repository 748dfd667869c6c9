//! Who the provider says the person is, and what they may do here: the identity claim, the
//! groups at the configured (dotted) path, and the role those groups map to. Every text passes
//! the one check for text from outside before it names anyone.

use serde_json::Value;

use super::config::ProviderConfig;
use super::error::OidcError;
use crate::domain::Role;

/// The longest identity or group name taken from a provider (an e-mail address is at most 254).
const MAX_TEXT: usize = 256;
/// More groups than this are refused rather than scanned (a token is not a directory listing).
const MAX_GROUPS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub identity: String,
    pub role: Role,
}

/// The value at `path` (`["realm_access", "roles"]`) in `claims`.
pub fn at<'a>(claims: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(claims, |v, key| v.get(key))
}

/// Groups as providers send them: an array of names, or one comma-separated string.
pub fn groups(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().take(MAX_GROUPS).filter_map(Value::as_str).map(str::to_owned).collect(),
        Value::String(s) => s.split(',').map(str::trim).filter(|g| !g.is_empty()).take(MAX_GROUPS).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// The person and their role, or why they may not sign in. `groups_from` is where the groups
/// were found (the ID token, else the userinfo answer).
pub fn person(cfg: &ProviderConfig, claims: &Value, groups_from: &Value) -> Result<Person, OidcError> {
    let provider = cfg.display.clone();
    let raw = claims
        .get(&cfg.identity_claim)
        .and_then(Value::as_str)
        .ok_or_else(|| OidcError::NoIdentity { provider: provider.clone(), claim: cfg.identity_claim.clone() })?;
    let identity = match crate::domain::plain_text(raw) {
        Ok(s) if !s.is_empty() && s.chars().count() <= MAX_TEXT => s.to_owned(),
        Ok(_) => return Err(OidcError::NotPlain { provider, why: format!("empty or longer than {MAX_TEXT} characters") }),
        Err(why) => return Err(OidcError::NotPlain { provider, why: why.to_string() }),
    };
    // A group name that is not plain text matches no configured group, so it is dropped.
    let groups: Vec<String> = at(groups_from, &cfg.groups_claim)
        .map(groups)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| crate::domain::plain_text(g).is_ok_and(|p| p == g && g.chars().count() <= MAX_TEXT))
        .collect();
    let allowed = cfg.allowed.is_empty() || groups.iter().any(|g| cfg.allowed.contains(g));
    match cfg.roles.role_for(&groups).filter(|_| allowed) {
        Some(role) => Ok(Person { identity, role }),
        None => Err(OidcError::NoRole { provider, identity }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::sso::roles::{parse_groups, RoleGroups};
    use serde_json::json;

    fn cfg(path: &str, allowed: &str) -> ProviderConfig {
        ProviderConfig {
            name: "kc".into(),
            display: "Keycloak".into(),
            issuer: url::Url::parse("https://kc.example.com").unwrap(),
            client_id: "ma".into(),
            client_secret: None,
            scopes: vec!["openid".into()],
            identity_claim: "email".into(),
            groups_claim: path.split('.').map(str::to_owned).collect(),
            roles: RoleGroups { admin: parse_groups("it-admins"), operator: parse_groups("support"), viewer: parse_groups("staff") },
            allowed: parse_groups(allowed),
            refetch_every: std::time::Duration::from_secs(30),
        }
    }

    #[test]
    fn role_from_groups_at_a_dotted_path() {
        let claims = json!({"email": "ada@example.com", "realm_access": {"roles": ["staff", "support"]}});
        assert_eq!(person(&cfg("realm_access.roles", ""), &claims, &claims), Ok(Person { identity: "ada@example.com".into(), role: Role::Operator }));
        let csv = json!({"email": "ada@example.com", "groups": "staff, it-admins"});
        assert_eq!(person(&cfg("groups", ""), &csv, &csv).unwrap().role, Role::Admin);
    }

    #[test]
    fn refusals_name_the_person_and_the_reason() {
        let claims = json!({"email": "eve@example.com", "groups": ["sales"]});
        assert_eq!(person(&cfg("groups", ""), &claims, &claims), Err(OidcError::NoRole { provider: "Keycloak".into(), identity: "eve@example.com".into() }));
        let staff = json!({"email": "bob@example.com", "groups": ["staff"]});
        assert!(matches!(person(&cfg("groups", "contractors-ok"), &staff, &staff), Err(OidcError::NoRole { .. })), "not in an allowed group");
        assert!(matches!(person(&cfg("groups", ""), &json!({"groups": ["staff"]}), &staff), Err(OidcError::NoIdentity { .. })));
        let hidden = json!({"email": "ada@example.com\u{202e}moc.live", "groups": ["staff"]});
        assert!(matches!(person(&cfg("groups", ""), &hidden, &hidden), Err(OidcError::NotPlain { .. })));
        let sneaky = json!({"email": "ada@example.com", "groups": ["it-admins\u{200b}"]});
        assert!(matches!(person(&cfg("groups", ""), &sneaky, &sneaky), Err(OidcError::NoRole { .. })));
    }
}
