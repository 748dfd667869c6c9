//! Roles from the identity provider's groups: `SSO_ADMIN_GROUPS`, `SSO_OPERATOR_GROUPS`,
//! `SSO_VIEWER_GROUPS`. Highest wins; names match exactly (they are the IdP's identifiers).

use crate::domain::Role;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleGroups {
    pub admin: Vec<String>,
    pub operator: Vec<String>,
    pub viewer: Vec<String>,
}

pub fn parse_groups(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect()
}

impl RoleGroups {
    pub fn is_empty(&self) -> bool {
        self.admin.is_empty() && self.operator.is_empty() && self.viewer.is_empty()
    }

    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        let member = |names: &[String]| groups.iter().any(|g| names.contains(g));
        if member(&self.admin) {
            Some(Role::Admin)
        } else if member(&self.operator) {
            Some(Role::Operator)
        } else if member(&self.viewer) {
            Some(Role::Viewer)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_role_wins() {
        let map = RoleGroups { admin: parse_groups("it-admins"), operator: parse_groups("support, ops"), viewer: parse_groups("staff") };
        let g = |s: &str| parse_groups(s);
        assert_eq!(map.role_for(&g("staff,ops")), Some(Role::Operator));
        assert_eq!(map.role_for(&g("staff,it-admins,ops")), Some(Role::Admin));
        assert_eq!(map.role_for(&g("staff")), Some(Role::Viewer));
        assert_eq!(map.role_for(&g("IT-Admins,sales")), None, "exact names only");
        assert_eq!(map.role_for(&[]), None);
    }
}
