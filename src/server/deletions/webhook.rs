//! `APPROVAL_WEBHOOK_URL`: a JSON POST (Slack-compatible `text`) when a deletion waits for
//! approval. It is a courtesy: a failure is logged and never holds the request up.

use std::time::Duration;

use crate::domain::DeletionRequest;
use crate::server::secret::Secret;

#[derive(Debug, Clone)]
pub struct Webhook {
    /// Slack's URLs carry their token in the path: never logged.
    url: Secret,
    http: reqwest::Client,
}

impl Webhook {
    pub fn new(url: Secret) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("meeting-admin/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        Ok(Self { url, http })
    }

    /// Sends the notice in the background.
    pub fn awaiting_approval(&self, r: &DeletionRequest, public_origin: &str) {
        let link = format!("{public_origin}{}", r.path());
        let text = format!(
            "Deletion request #{} waits for approval: {} of meeting {}, requested by {}: {}. Review it: {link}",
            r.id,
            r.what_goes(),
            r.meeting_id,
            r.requested_by,
            r.reason
        );
        let body = serde_json::json!({
            "text": text,
            "request_id": r.id,
            "meeting_id": r.meeting_id.as_str(),
            "requested_by": r.requested_by,
            "reason": r.reason,
            "url": link,
        });
        self.send(body, format!("request #{}", r.id));
    }

    /// One notice for a bulk batch's requests (not one per meeting).
    pub fn batch_awaiting_approval(&self, batch_id: i64, requests: u64, requested_by: &str, reason: &str, public_origin: &str) {
        let link = format!("{public_origin}/bulk/{batch_id}");
        let text = format!(
            "Bulk deletion batch #{batch_id} waits for approval: {requests} deletion request{}, requested by {requested_by}: {reason}. Review it: {link}",
            if requests == 1 { "" } else { "s" }
        );
        let body = serde_json::json!({
            "text": text,
            "batch_id": batch_id,
            "requests": requests,
            "requested_by": requested_by,
            "reason": reason,
            "url": link,
        });
        self.send(body, format!("batch #{batch_id}"));
    }

    /// Posts in the background; the outcome is logged under `what`.
    fn send(&self, body: serde_json::Value, what: String) {
        let (http, url) = (self.http.clone(), self.url.clone());
        tokio::spawn(async move {
            match http.post(url.expose()).json(&body).send().await {
                Ok(res) if res.status().is_success() => tracing::info!(about = %what, "approval webhook sent"),
                Ok(res) => tracing::warn!(about = %what, status = res.status().as_u16(), "the approval webhook refused the notice"),
                // reqwest's message would include the URL.
                Err(e) => tracing::warn!(about = %what, timeout = e.is_timeout(), connect = e.is_connect(), "cannot reach the approval webhook"),
            }
        });
    }
}
