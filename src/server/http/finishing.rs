//! What every response gets on its way out, as one tower layer: the security headers with this
//! request's CSP nonce (`protection::security_headers`), `Cache-Control` (`caching`), and the HTML
//! tidy pass on rendered pages (`html_tidy`).
//!
//! A hand-written service rather than three `axum::middleware::from_fn` layers: each of those
//! clones and boxes the rest of the stack on every request, which was a tenth of the proxy hop's
//! cost (BENCHMARKS.md). The inner service here is axum's router, which is always ready, so it is
//! called in place.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::response::Response;
use tower::{Layer, Service};

use super::protection::{self, CspNonce, GuardSettings};
use super::{assets, caching, html_tidy};

#[derive(Clone)]
pub struct FinishingLayer {
    guard: std::sync::Arc<GuardSettings>,
}

impl FinishingLayer {
    pub fn new(guard: GuardSettings) -> Self {
        Self { guard: std::sync::Arc::new(guard) }
    }
}

impl<S> Layer<S> for FinishingLayer {
    type Service = Finishing<S>;

    fn layer(&self, inner: S) -> Finishing<S> {
        Finishing { inner, guard: self.guard.clone() }
    }
}

#[derive(Clone)]
pub struct Finishing<S> {
    inner: S,
    guard: std::sync::Arc<GuardSettings>,
}

impl<S> Service<Request> for Finishing<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let nonce = protection::new_nonce();
        req.extensions_mut().insert(CspNonce(nonce.clone()));
        // The cache policy looks at the path only for static files; the rest is decided from the
        // response, so other paths are not copied.
        let path = req.uri().path();
        let static_file = caching::is_static_file(path).then(|| path.to_owned());
        let never_stored = caching::never_stored(path);
        let guard = self.guard.clone();
        let response = self.inner.call(req);
        Box::pin(async move {
            let Ok(res) = response.await;
            let mut res = html_tidy::tidy(res).await;
            let status = res.status();
            let h = res.headers_mut();
            caching::apply(static_file.as_deref().unwrap_or(""), never_stored, status, h, assets::names());
            protection::security_headers(&guard, &nonce, h);
            Ok(res)
        })
    }
}
