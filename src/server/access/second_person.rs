//! The second person of two-person approval: whoever approves or rejects a deletion must be
//! shown to be someone other than who asked for it, across the ways of signing in
//! (`domain::person`).

use crate::domain::{different_people, same_person, SignInMethod, Staff};
use crate::error::AppError;
use crate::server::auth::users;
use crate::server::state::AppState;

/// `Ok` when `staff` is surely not the person who asked (`requested_by`, signed in by
/// `requested_method`; a request from before methods were kept counts as a local account).
/// `store_failed` makes the error for an accounts table that cannot be read.
pub async fn check(
    state: &AppState,
    requested_by: &str,
    requested_method: Option<SignInMethod>,
    staff: &Staff,
    store_failed: impl FnOnce(sqlx::Error) -> AppError,
) -> Result<(), AppError> {
    // The same name is one person whichever way each signed in.
    if same_person(requested_by, &staff.username) {
        return Err(AppError::OwnDeletionRequest);
    }
    let people = async {
        let asker = users::person(&state.db, requested_by, requested_method.unwrap_or(SignInMethod::Password)).await?;
        let decider = users::person(&state.db, &staff.username, staff.method).await?;
        Ok::<_, sqlx::Error>((asker, decider))
    };
    let (asker, decider) = people.await.map_err(store_failed)?;
    let both_kinds = state.auth.local_form() && (state.sso.is_some() || !state.oidc.is_empty());
    match different_people(&asker, &decider, both_kinds) {
        Ok(true) => Ok(()),
        Ok(false) => Err(AppError::OwnDeletionRequest),
        Err(not_linked) => Err(AppError::PersonNotLinked { account: not_linked.account }),
    }
}
