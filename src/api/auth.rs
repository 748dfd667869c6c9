use leptos::prelude::*;

use crate::domain::Staff;
use crate::error::AppError;

/// Where to go after signing in: `next` resolved against our public origin as a browser would
/// (the url crate implements the URL standard browsers follow: tabs and line breaks dropped, `\`
/// read as `/`), kept only when it stays on our origin; the home page otherwise. The result is
/// the normalised path, query and fragment, so what the browser follows is what was checked.
#[cfg(feature = "ssr")]
pub fn safe_next(raw: &str, public: &url::Url) -> String {
    let home = || "/".to_owned();
    let Ok(target) = public.join(raw) else { return home() };
    if target.origin() != public.origin() || !matches!(target.scheme(), "http" | "https") {
        return home();
    }
    let path = &target[url::Position::BeforePath..];
    // A path that starts with `//` would read as another host once it stands alone.
    if path.starts_with("//") || path == "/sign-in" || path.starts_with("/sign-in?") || path.starts_with("/sign-in#") {
        return home();
    }
    path.to_owned()
}

/// Signs in with a local account. Every failure reads the same, costs the same time, and counts
/// towards the per-account and per-address throttles.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String, next: Option<String>) -> Result<Staff, AppError> {
    use crate::server::fn_context::{client_addr, fail, intent, request_id, session, state, store_failed};
    use crate::domain::{AuditAction, Outcome, SignInMethod};
    use crate::server::audit::Completion;
    use crate::server::auth::{password as pw, session as sessions, throttle, users};
    use crate::server::metrics::labels::{SignInMethod as Method, SignInOutcome as Counted};

    let state = state()?;
    if !state.auth.local_form() {
        return Err(fail(AppError::LocalSignInOff));
    }
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "sign-in failed on our side");
        fail(AppError::Internal { request_id: request_id() })
    };
    let now = state.clock.now_unix();
    let account = throttle::account_key(&username);
    let address = throttle::address_key(&client_addr());
    // The name as typed, for the log and the audit log: anything hidden in it spelled out.
    let claimed = crate::domain::visible(username.trim(), 64);
    let failed_entry = || {
        let mut entry = intent(AuditAction::SignInFailed, None, None, None);
        entry.claimed_user = Some(claimed.clone());
        entry
    };
    let refused = |wait: u64| {
        let (state, entry) = (state.clone(), failed_entry());
        async move {
            tracing::info!(user = %entry.claimed_user.as_deref().unwrap_or_default(), "sign-in refused: throttled");
            state.metrics.sign_in(Method::Password, Counted::Throttled);
            let err = fail(AppError::SignInThrottled { retry_after_secs: wait });
            state.audit.record(&entry, &Completion::new(Outcome::Refused).error(&err)).await;
            Err(err)
        }
    };
    // Counted before the password is checked: guesses sent at once get their turns one by one.
    let counting = || store_failed("sign-in: cannot count the attempt");
    let tries = match throttle::attempt(&state.db, &account, throttle::PER_ACCOUNT, now).await.map_err(counting())? {
        throttle::Attempt::Locked { secs } => return refused(secs).await,
        throttle::Attempt::Check { n } => n,
    };
    let from_address = match throttle::attempt(&state.db, &address, throttle::PER_ADDRESS, now).await.map_err(counting())? {
        throttle::Attempt::Locked { secs } => {
            throttle::succeeded(&state.db, &account).await.map_err(counting())?;
            return refused(secs).await;
        }
        throttle::Attempt::Check { n } => n,
    };
    let user = users::find(&state.db, &username)
        .await
        .map_err(|e| match e {
            users::UserError::Db(e) => store_failed("sign-in: cannot read the account")(e),
            other => internal(&other),
        })?
        // With local sign-in off, any other account fails as an unknown one would.
        .filter(|u| !u.disabled && state.auth.local_allowed(&u.username));
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = if password.len() > pw::MAX_LEN * 4 { Ok(false) } else { pw::verify(password, stored).await };
    let Ok(verified) = verified else {
        // Every CPU was checking other attempts for the whole wait: this one was not tried.
        throttle::succeeded(&state.db, &account).await.map_err(counting())?;
        throttle::succeeded(&state.db, &address).await.map_err(counting())?;
        return refused(1).await;
    };
    if !verified {
        throttle::failed(&state.db, &account, tries, throttle::PER_ACCOUNT, now).await.map_err(store_failed("sign-in: cannot count a failure"))?;
        throttle::failed(&state.db, &address, from_address, throttle::PER_ADDRESS, now).await.map_err(store_failed("sign-in: cannot count a failure"))?;
        tracing::info!(user = %claimed, "sign-in failed");
        state.metrics.sign_in(Method::Password, Counted::Failed);
        let why = match &user {
            None => "no such account, or it is disabled",
            Some(_) => "wrong password",
        };
        state.audit.record(&failed_entry(), &Completion::new(Outcome::Refused).error(why)).await;
        return Err(fail(AppError::SignInFailed));
    }
    let user = user.ok_or_else(|| internal(&"verified without an account"))?;
    throttle::clear(&state.db, &account).await.map_err(store_failed("sign-in: cannot clear the throttle"))?;
    throttle::succeeded(&state.db, &address).await.map_err(store_failed("sign-in: cannot clear the throttle"))?;
    let staff = Staff { username: user.username, role: user.role, method: SignInMethod::Password };
    sessions::begin(&session()?, staff.clone(), state.clock.now_ms(), None).await.map_err(|e| internal(&e))?;
    tracing::info!(user = %staff.username, role = %staff.role, "signed in");
    state.metrics.sign_in(Method::Password, Counted::Ok);
    state.audit.record(&intent(AuditAction::SignIn, Some(staff.clone()), None, None), &Completion::new(Outcome::Succeeded)).await;
    let public = url::Url::parse(&state.guard.public_origin).map_err(|e| internal(&e))?;
    leptos_axum::redirect(&safe_next(next.as_deref().unwrap_or("/"), &public));
    Ok(staff)
}

/// Ends the session on the server (not only the cookie).
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::fn_context::{current_staff, fail, intent, request_id, session, state};
    use crate::domain::{AuditAction, Outcome};
    use crate::server::audit::Completion;
    let who = current_staff();
    let (state, session) = (state()?, session()?);
    // Signed in through a provider: end that session there too, where it offers a way.
    let binding = session.get::<crate::server::auth::session::SignedIn>(crate::server::auth::session::STAFF_KEY).await.ok().flatten().and_then(|s| s.oidc);
    let at_provider = match &binding {
        Some(b) => crate::server::oidc::sign_out(&state.oidc, &state.db, &b.provider, &b.row, state.clock.now_ms()).await,
        None => None,
    };
    session.flush().await.map_err(|e| {
        tracing::error!(error = %e, "cannot end a session");
        fail(AppError::Internal { request_id: request_id() })
    })?;
    if let Some(s) = who {
        tracing::info!(user = %s.username, "signed out");
        let mut entry = intent(AuditAction::SignOut, Some(s), None, None);
        entry.detail = binding.map(|b| format!("through {}{}", b.provider, if at_provider.is_some() { ", and at the provider" } else { "" }));
        state.audit.record(&entry, &Completion::new(Outcome::Succeeded)).await;
    }
    leptos_axum::redirect(at_provider.as_ref().map_or("/sign-in?signed_out=1", |u| u.as_str()));
    Ok(())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        let ours = url::Url::parse("https://meetings.example.com").unwrap();
        let next = |raw: &str| safe_next(raw, &ours);
        assert_eq!(next("/meetings/x/recordings?sort=size"), "/meetings/x/recordings?sort=size");
        assert_eq!(next("https://meetings.example.com/audit?page=2"), "/audit?page=2");
        assert_eq!(next("/a/../audit"), "/audit");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example/",
            "/\n/evil.example",
            "\t//evil.example",
            "/.//evil.example",
            "http://meetings.example.com/",
            "",
            "javascript:alert(1)",
            "/sign-in",
            "/sign-in?next=/x",
        ] {
            assert_eq!(next(bad), "/", "{bad:?}");
        }
    }
}
