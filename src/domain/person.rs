//! Who someone is across the ways of signing in. A gateway (SSO) identity and a local account
//! are two namespaces: `ada` and `ada@example.com` may be one person. A local account linked to
//! a gateway identity (`meeting-admin user link`) is that identity's person; an unlinked one is
//! known only by its own name.

/// A person as two-person approval compares them; names are compared without case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Person {
    /// A gateway identity, or a local account linked to one.
    Gateway(String),
    /// A local account linked to no gateway identity.
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
        (Person::Local(account), Person::Gateway(_)) | (Person::Gateway(_), Person::Local(account)) if both_kinds => {
            Err(NotLinked { account: account.clone() })
        }
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
}
