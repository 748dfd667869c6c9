use std::fmt;

use serde::{Deserialize, Serialize};

/// What a staff member may do. Each role includes everything the one below it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        s.trim().to_ascii_lowercase().parse().map_err(|_| format!("'{s}' is not a role; use viewer, operator or admin"))
    }

    pub fn allows(self, p: Permission) -> bool {
        self >= p.minimum_role()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the web app lets someone do; each server function asks for exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Permission {
    ViewRecordings,
    /// See a recording's presigned link, to pass on outside the company.
    ShareRecordingLinks,
    CreateMeeting,
    DeleteRecordings,
    ReadAudit,
    /// Put a meeting on legal hold, or lift it.
    ManageLegalHolds,
    /// Keep a meeting's recordings longer than its retention period.
    ExtendRetention,
    /// Set retention rules, exempt meetings, track meetings for retention.
    ManageRetention,
}

impl Permission {
    /// Its name in metrics and logs: `view_recordings`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The error a person with `role` is answered with when they ask for this.
    pub fn refused_for(self, role: Role) -> crate::error::AppError {
        crate::error::AppError::Forbidden { role: role.to_string(), action: self.describe().to_owned() }
    }

    pub fn minimum_role(self) -> Role {
        match self {
            Self::ViewRecordings => Role::Viewer,
            // Operators deal with customers; a viewer may look and download, never hand a link out.
            Self::CreateMeeting | Self::ShareRecordingLinks | Self::ExtendRetention => Role::Operator,
            Self::DeleteRecordings | Self::ReadAudit | Self::ManageLegalHolds | Self::ManageRetention => Role::Admin,
        }
    }

    /// Completes "Your role (viewer) may not …".
    pub fn describe(self) -> &'static str {
        match self {
            Self::ViewRecordings => "view recordings",
            Self::CreateMeeting => "create meetings",
            Self::ShareRecordingLinks => "share recording links",
            Self::DeleteRecordings => "delete recordings",
            Self::ReadAudit => "read the audit log",
            Self::ManageLegalHolds => "place or lift legal holds",
            Self::ExtendRetention => "extend how long recordings are kept",
            Self::ManageRetention => "set retention rules or exempt meetings",
        }
    }
}

/// How someone proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "snake_case")]
pub enum SignInMethod {
    Password,
    Sso,
    /// An OpenID Connect provider Meeting Admin signs in with itself.
    Oidc,
    /// Not a person: the app itself, acting on rules an admin set (a retention sweep).
    System,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// The signed-in staff member, as every page and server function sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub username: String,
    pub role: Role,
    pub method: SignInMethod,
}

impl Staff {
    pub fn may(&self, p: Permission) -> bool {
        self.role.allows(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_inclusive() {
        assert!(Role::Viewer.allows(Permission::ViewRecordings));
        assert!(!Role::Viewer.allows(Permission::CreateMeeting));
        assert!(Role::Operator.allows(Permission::CreateMeeting));
        assert!(!Role::Operator.allows(Permission::DeleteRecordings));
        assert!(Role::Admin.allows(Permission::DeleteRecordings));
        assert!(Role::Admin.allows(Permission::ReadAudit));
    }

    #[test]
    fn role_names() {
        assert_eq!(Role::parse("Operator"), Ok(Role::Operator));
        assert!(Role::parse("root").unwrap_err().contains("viewer, operator or admin"));
        assert_eq!(serde_json::to_string(&Role::Admin).unwrap(), r#""admin""#);
    }
}
