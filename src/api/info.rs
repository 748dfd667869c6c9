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
    /// Local sign-in is off but for break-glass accounts: the form is offered behind a fold.
    pub break_glass_only: bool,
    /// The OpenID Connect providers to sign in with: (name, what its button says).
    pub providers: Vec<(String, String)>,
    /// Said once on the sign-in page: why a sign-in through a provider failed, or a session ended.
    pub sign_in_notice: Option<String>,
    /// How confirmed deletions are held (the confirmation says it).
    pub deletion_rules: DeletionRules,
    /// Deletion requests waiting for this person's approval (the Deletions link counts them).
    pub awaiting_approval: u64,
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
    let awaiting_approval = match &staff {
        Some(s) if s.may(crate::domain::Permission::DeleteRecordings) => crate::server::deletions::store::awaiting_for(&state.db, &s.username).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot count the deletion requests awaiting approval");
            0
        }),
        _ => 0,
    };
    let no_role = context::with_parts(|p| p.extensions.get::<crate::server::sso::NoRole>().map(|n| n.0.clone())).flatten();
    // Taken (and so said once) only by the sign-in page as it renders.
    let on_sign_in_page = context::with_parts(|p| p.uri.path() == "/sign-in").unwrap_or(false);
    let sign_in_notice = match (&staff, context::session()) {
        (None, Ok(session)) if on_sign_in_page => session.remove::<String>(crate::server::auth::session::SIGN_IN_NOTICE).await.ok().flatten(),
        _ => None,
    };
    Ok(FrameInfo {
        demo: state.demo,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo_meetings,
        staff,
        now,
        local_login: state.auth.local_form(),
        break_glass_only: !state.auth.local_login && state.auth.local_form(),
        providers: state.oidc.buttons(),
        sign_in_notice,
        no_role,
        awaiting_approval,
        deletion_rules: DeletionRules {
            grace_secs: state.deletions.policy.grace.as_secs(),
            approval_required: state.deletions.policy.approval_required,
        },
    })
}

/// The About page: this deployment's version and the key its deletion records are signed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AboutInfo {
    pub version: String,
    pub key_id: String,
    /// PEM, as `meeting-admin evidence public-key` prints it.
    pub public_key: String,
    /// Whether the key came from EVIDENCE_KEY_FILE or was made and kept in the database.
    pub key_from_file: bool,
}

#[server(prefix = "/api", endpoint = "about", input = GetUrl)]
pub async fn about() -> Result<AboutInfo, AppError> {
    use crate::server::fn_context::{require, state};
    require(crate::domain::Permission::ViewRecordings).await?;
    let key = &state()?.evidence;
    Ok(AboutInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        key_id: key.key_id(),
        public_key: key.public_pem(),
        key_from_file: key.source == crate::server::evidence::key::KeySource::File,
    })
}
