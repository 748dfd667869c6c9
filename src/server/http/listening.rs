//! Accepting and serving our clients' connections, with the limits `axum::serve` does not set
//! (it gives hyper no timer, so a client that sends half a request line holds its connection
//! for good): at most `MAX_CONNECTIONS` open at once, and `CLIENT_TIMEOUT` for a request's
//! headers, for an idle keep-alive connection and for each pause in a body.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::Service;
use tower_http::timeout::TimeoutBody;

use crate::server::config::Serving;

/// A warning a minute at most while the cap holds connections back.
const CAP_WARNING_EVERY: Duration = Duration::from_secs(60);

/// Serves `app` until `shutdown` ends, then stops accepting and lets every open connection
/// finish the request it is on (nothing more is read from a kept-alive one); returns once all
/// have.
///
/// At most `serving.max_connections` are open at once: the next waits unaccepted, in the
/// kernel's queue, until one closes. A request's headers must arrive within
/// `serving.client_timeout` of the connection opening or of the previous reply (so an idle
/// keep-alive connection closes after it too), and a body may pause no longer than that.
pub async fn serve(listener: TcpListener, app: Router, serving: Serving, shutdown: impl Future<Output = ()>) -> Result<(), String> {
    let cap = Arc::new(Semaphore::new(serving.max_connections.get()));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    let mut warned_at: Option<Instant> = None;
    loop {
        let permit = match cap.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if warned_at.is_none_or(|at| at.elapsed() > CAP_WARNING_EVERY) {
                    warned_at = Some(Instant::now());
                    tracing::warn!(max = serving.max_connections.get(), "MAX_CONNECTIONS connections are open; new ones wait until one closes");
                }
                tokio::select! {
                    () = &mut shutdown => break,
                    permit = cap.clone().acquire_owned() => permit.map_err(|_| "the connection cap was closed".to_owned())?,
                }
            }
        };
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => serve_connection(stream, peer, permit, &app, serving.client_timeout, &graceful),
                Err(e) => accept_failed(e).await,
            },
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One connection on a task of its own, holding its place under the cap until it ends.
fn serve_connection(stream: TcpStream, peer: SocketAddr, permit: OwnedSemaphorePermit, app: &Router, timeout: Duration, graceful: &GracefulShutdown) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
    }
    let app = app.clone();
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut req = req.map(|body| TimeoutBody::new(timeout, body));
        // What axum's `into_make_service_with_connect_info` gives handlers: the TCP peer.
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().call(req)
    });
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeout);
    let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "connection ended with an error");
        }
        drop(permit);
    });
}

/// As axum does: a connection's own failure is passed over; running out of file descriptors is
/// waited out, since accepting again at once would fail the same way.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
}
