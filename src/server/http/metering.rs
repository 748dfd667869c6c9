//! Counts each request by its route template and status class, with its time to the response's
//! head, for `/metrics`. Only installed when metrics are served (`METRICS_ADDR`). A layer of its
//! own rather than `middleware::from_fn`: no boxed future, and one shared handle cloned per
//! request, which halved its cost on the proxy hop (BENCHMARKS.md, "Metrics").

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use axum::extract::MatchedPath;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::server::metrics::labels::{RequestLabels, Route, StatusClass};
use crate::server::metrics::Seconds;

#[derive(Clone)]
pub struct MeteringLayer(Seconds<RequestLabels>);

impl MeteringLayer {
    pub fn new(requests: Seconds<RequestLabels>) -> Self {
        Self(requests)
    }
}

impl<S> Layer<S> for MeteringLayer {
    type Service = Metering<S>;

    fn layer(&self, inner: S) -> Metering<S> {
        Metering { inner, requests: self.0.clone() }
    }
}

#[derive(Clone)]
pub struct Metering<S> {
    inner: S,
    requests: Seconds<RequestLabels>,
}

impl<S, B, R> Service<Request<B>> for Metering<S>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Metered<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let route = req.extensions().get::<MatchedPath>().cloned().map_or(Route::Unmatched, Route::Template);
        Metered { inner: self.inner.call(req), route: Some(route), started: Instant::now(), requests: self.requests.clone() }
    }
}

pin_project! {
    pub struct Metered<F> {
        #[pin]
        inner: F,
        route: Option<Route>,
        started: Instant,
        requests: Seconds<RequestLabels>,
    }
}

impl<F, R, E> Future for Metered<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = ready!(this.inner.poll(cx));
        if let (Ok(res), Some(route)) = (&out, this.route.take()) {
            let labels = RequestLabels { route, status: StatusClass::of(res.status().as_u16()) };
            this.requests.0.get_or_create(&labels).observe(this.started.elapsed().as_secs_f64());
        }
        Poll::Ready(out)
    }
}
