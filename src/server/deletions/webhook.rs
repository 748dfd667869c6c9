//! `APPROVAL_WEBHOOK_URL`: a JSON POST (Slack-compatible `text`) when a deletion waits for
//! approval. The notices are kept in the store and sent by a worker (`notices.rs`); this is what
//! they say and how one is posted.

use std::fmt;
use std::time::Duration;

use crate::domain::DeletionRequest;
use crate::server::secret::Secret;

#[derive(Debug, Clone)]
pub struct Webhook {
    /// Slack's URLs carry their token in the path: never logged.
    url: Secret,
    http: reqwest::Client,
}

/// Why a notice was not taken. Never reqwest's own message, which would include the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostError {
    Refused(u16),
    TimedOut,
    CannotConnect,
    Failed,
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(status) => write!(f, "the webhook answered {status}"),
            Self::TimedOut => f.write_str("the webhook did not answer in time"),
            Self::CannotConnect => f.write_str("cannot connect to the webhook"),
            Self::Failed => f.write_str("the webhook call failed"),
        }
    }
}

impl Webhook {
    pub fn new(url: Secret) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("meeting-admin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Self { url, http })
    }

    /// Posts a notice's JSON; taken when the webhook answers 2xx within `within`.
    pub async fn post(&self, body: &str, within: Duration) -> Result<(), PostError> {
        let sent = self
            .http
            .post(self.url.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned())
            .timeout(within)
            .send()
            .await;
        match sent {
            Ok(res) if res.status().is_success() => Ok(()),
            Ok(res) => Err(PostError::Refused(res.status().as_u16())),
            Err(e) if e.is_timeout() => Err(PostError::TimedOut),
            Err(e) if e.is_connect() => Err(PostError::CannotConnect),
            Err(_) => Err(PostError::Failed),
        }
    }
}

/// A text from elsewhere (a reason, a name) as Slack's `text` may carry it: its markup (`<!channel>`,
/// `<https://evil|a disguised link>`) is shown, not followed. Slack asks for exactly these three.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The notice of one request that waits for approval.
pub fn request_notice(r: &DeletionRequest, public_origin: &str) -> String {
    let link = format!("{public_origin}{}", r.path());
    let text = format!(
        "Deletion request #{} waits for approval: {} of meeting {}, requested by {}: {}. Review it: {link}",
        r.id,
        r.what_goes(),
        r.meeting_id,
        escaped(&r.requested_by),
        escaped(&r.reason)
    );
    serde_json::json!({
        "text": text,
        "request_id": r.id,
        "meeting_id": r.meeting_id.as_str(),
        "requested_by": r.requested_by,
        "reason": r.reason,
        "url": link,
    })
    .to_string()
}

/// One notice for a bulk batch's requests (not one per meeting).
pub fn batch_notice(batch_id: i64, requests: u64, requested_by: &str, reason: &str, public_origin: &str) -> String {
    let link = format!("{public_origin}/bulk/{batch_id}");
    let text = format!(
        "Bulk deletion batch #{batch_id} waits for approval: {requests} deletion request{}, requested by {}: {}. Review it: {link}",
        if requests == 1 { "" } else { "s" },
        escaped(requested_by),
        escaped(reason)
    );
    serde_json::json!({
        "text": text,
        "batch_id": batch_id,
        "requests": requests,
        "requested_by": requested_by,
        "reason": reason,
        "url": link,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_markup_from_a_reason_or_a_name_is_shown_not_followed() {
        let body: serde_json::Value =
            serde_json::from_str(&batch_notice(3, 2, "eve <!channel>", "see <https://evil.example|the ticket> & more", "https://m.example")).unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(text.contains("eve &lt;!channel&gt;") && text.contains("&lt;https://evil.example|the ticket&gt; &amp; more"), "{text}");
        assert!(!text.contains("<!channel>") && !text.contains("<https://evil"), "{text}");
        // Our own link stays a link, and the JSON fields keep the text as it was typed.
        assert!(text.ends_with("Review it: https://m.example/bulk/3"));
        assert_eq!(body["reason"], "see <https://evil.example|the ticket> & more");
    }
}
