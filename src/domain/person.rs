//! Who someone is across the ways of signing in. A person is a kind and a subject: a gateway
//! (SSO) identity, an OpenID Connect provider's subject, or a local account. The kinds are
//! separate namespaces: `ada` and `ada@example.com` may be one person. A local account linked to
//! a gateway identity or a provider's subject (`meeting-admin user link`) is that one's person;
//! an unlinked one is known only by its own name.

/// A person as two-person approval compares them; names are compared without case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Person {
    /// A gateway identity, or a local account linked to one.
    Gateway(String),
    /// Signed in through an OpenID Connect provider: the (provider, subject) pairs behind the
    /// name (a subject keeps every name it signed in under), or a local account linked to one.
    Oidc(Vec<(String, String)>),
    /// A local account linked to nothing.
    Local(String),
    /// The app itself (a retention sweep): nobody, so anyone may approve what it asked for.
    System,
}

impl Person {
    pub fn gateway(subject: &str) -> Self {
        Self::Gateway(subject.trim().to_lowercase())
    }

    pub fn local(name: &str) -> Self {
        Self::Local(name.trim().to_lowercase())
    }
}

/// Why two identities cannot be told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotLinked {
    /// The unlinked local account's name.
    pub account: String,
}

/// Whether `a` and `b` are shown to be different people. Where local accounts and a gateway
/// are both in use (`both_kinds`), an unlinked local account and a gateway identity may be the
/// same person under two names, so nothing is shown: the account must be linked first. Where
/// only one kind signs in, the other kind's names are from an earlier setup and stand apart.
pub fn different_people(a: &Person, b: &Person, both_kinds: bool) -> Result<bool, NotLinked> {
    match (a, b) {
        (Person::System, _) | (_, Person::System) => Ok(true),
        (Person::Gateway(x), Person::Gateway(y)) | (Person::Local(x), Person::Local(y)) => Ok(x != y),
        // Subjects are the provider's own; one shared pair is one person.
        (Person::Oidc(x), Person::Oidc(y)) => Ok(!x.iter().any(|p| y.contains(p))),
        (Person::Local(account), _) | (_, Person::Local(account)) if both_kinds => Err(NotLinked { account: account.clone() }),
        _ => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_under_two_names_is_one_person_once_linked() {
        let (local, gateway) = (Person::local(" Ada "), Person::gateway("ada@example.com"));
        assert_eq!(different_people(&local, &gateway, true), Err(NotLinked { account: "ada".into() }));
        assert_eq!(different_people(&gateway, &local, true), Err(NotLinked { account: "ada".into() }));
        assert_eq!(different_people(&local, &gateway, false), Ok(true), "one kind signs in: the other's names stand apart");
        // Linked, the local account is its gateway identity's person.
        let linked = Person::gateway("ADA@example.com");
        assert_eq!(different_people(&linked, &gateway, true), Ok(false));
        assert_eq!(different_people(&linked, &Person::gateway("grace@example.com"), true), Ok(true));
        assert_eq!(different_people(&Person::local("ada"), &Person::local("ADA"), true), Ok(false));
        // The app itself (a retention sweep) is nobody: anyone may decide what it asked for.
        assert_eq!(different_people(&Person::System, &local, true), Ok(true));
        assert_eq!(different_people(&gateway, &Person::System, true), Ok(true));
        assert_eq!(different_people(&Person::local("ada"), &Person::local("grace"), true), Ok(true));
    }

    #[test]
    fn a_provider_subject_is_one_person_under_every_name() {
        let okta = |s: &str| ("okta".to_owned(), s.to_owned());
        let ada_then_now = Person::Oidc(vec![okta("00u1")]);
        assert_eq!(different_people(&ada_then_now, &Person::Oidc(vec![okta("00u2"), okta("00u1")]), true), Ok(false));
        assert_eq!(different_people(&ada_then_now, &Person::Oidc(vec![okta("00u2")]), true), Ok(true));
        assert_eq!(different_people(&ada_then_now, &Person::Oidc(vec![("google".into(), "00u1".into())]), true), Ok(true), "another provider's namespace");
        assert_eq!(different_people(&ada_then_now, &Person::local("ada"), true), Err(NotLinked { account: "ada".into() }));
        assert_eq!(different_people(&Person::local("ada"), &ada_then_now, false), Ok(true));
    }
}
