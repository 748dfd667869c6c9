use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use crate::domain::{DeletionRules, Staff};
use crate::error::AppError;

/// What every page shows in its frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameInfo {
    pub demo: bool,
    pub version: String,
    /// In demo mode, the meetings the mock is seeded with.
    pub demo_meetings: Vec<String>,
    /// Who is signed in (None on the sign-in page).
    pub staff: Option<Staff>,
    /// The server's clock (Unix seconds), so a page's defaults match between server and browser.
    pub now: i64,
    /// Whether the sign-in form is offered (`LOCAL_LOGIN`).
    pub local_login: bool,
    /// Someone the SSO gateway vouches for whose groups grant no role.
    pub no_role: Option<String>,
    /// How confirmed deletions are held (the confirmation says it).
    pub deletion_rules: DeletionRules,
}

#[server(prefix = "/api", endpoint = "app_info", input = GetUrl)]
pub async fn app_info() -> Result<FrameInfo, AppError> {
    use crate::server::fn_context as context;
    let state = context::state()?;
    let staff = context::current_staff();
    let now = state.clock.now_unix();
    let demo_meetings = if state.demo && staff.is_some() {
        crate::server::vendor::mock::DEMO_MEETINGS.iter().map(|(id, _)| (*id).to_owned()).collect()
    } else {
        Vec::new()
    };
    let no_role = context::with_parts(|p| p.extensions.get::<crate::server::sso::NoRole>().map(|n| n.0.clone())).flatten();
    Ok(FrameInfo {
        demo: state.demo,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo_meetings,
        staff,
        now,
        local_login: state.auth.local_login,
        no_role,
        deletion_rules: DeletionRules {
            grace_secs: state.deletions.policy.grace.as_secs(),
            approval_required: state.deletions.policy.approval_required,
        },
    })
}
