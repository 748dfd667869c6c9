//! The request-level checks as one middleware: who is asking (the session, then an SSO gateway's
//! word, which wins), whether a change came from our own pages, and whether a sign-in is needed.
//! One layer rather than four: each axum middleware layer boxes and clones the rest of the stack
//! on every request, which showed in the proxy hop's profile (BENCHMARKS.md).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use super::{current, guard};
use crate::server::state::AppState;

pub async fn gate(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    if let Err(refusal) = guard::refuse_dot_segments(&req) {
        return refusal;
    }
    current::load_staff(&state, &session, &mut req).await;
    let checked = async {
        let req = crate::server::sso::identify::identify(&state, req).await?;
        let req = guard::refuse_cross_site(&state, req).await?;
        guard::require_sign_in(&state, req).await
    };
    match checked.await {
        Ok(req) => next.run(req).await,
        Err(refusal) => refusal,
    }
}
