//! Serving connections the way nginx's workers do: one single-threaded runtime per core, and
//! each connection kept on one of them for its whole life.
//!
//! On tokio's shared (work-stealing) runtime a request's wake-ups (its client's bytes, the
//! vendor's reply) often land on the other worker, which is then woken with an interrupt to run
//! it. Here one acceptor deals the connections out in turn, and everything a connection does
//! afterwards (rendering, the vendor call on a connection of that thread's own, `vendor_http.rs`)
//! stays on its thread: 12% less CPU per kept recordings page, 6% per proxy hop (BENCHMARKS.md).

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;

use axum::serve::{Listener, ListenerExt};
use axum::Router;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

type Handed = (std::net::TcpStream, SocketAddr);

/// Serves `app` on `threads` runtimes until `shutdown` ends, then stops accepting and lets every
/// open connection finish what it is doing. Returns once all have, with the runtimes still
/// running (`Drained`).
pub async fn serve(listener: TcpListener, app: Router, threads: NonZeroUsize, shutdown: impl Future<Output = ()>) -> Result<Drained, String> {
    let (stop, stopped) = watch::channel(false);
    let (release, released) = watch::channel(false);
    let (drained, all_drained) = mpsc::channel::<()>(1);
    let mut serving = Vec::with_capacity(threads.get());
    let mut hands = Vec::with_capacity(threads.get());
    for n in 0..threads.get() {
        let (hand, taken) = mpsc::unbounded_channel::<Handed>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start serving thread {n}: {e}"))?;
        let app = app.clone();
        let mut stopped = stopped.clone();
        let mut released = released.clone();
        let drained = drained.clone();
        let thread = std::thread::Builder::new()
            .name(format!("http-{n}"))
            .spawn(move || {
                // `TapIo` is what lets axum hand the peer's address to handlers (`ConnectInfo`)
                // for a listener other than its own; there is nothing to do to the stream.
                let listener = Handoff(taken).tap_io(|_| ());
                let until = async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                };
                runtime.block_on(async move {
                    tokio::spawn(crate::server::allocator::give_back_freed_memory());
                    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                        .with_graceful_shutdown(until)
                        .await;
                    if let Err(e) = served {
                        tracing::error!(error = %e, thread = n, "serving thread stopped");
                    }
                    drop(drained);
                    // An error: `Drained` is gone, which also releases.
                    let _ = released.wait_for(|release| *release).await;
                });
            })
            .map_err(|e| format!("cannot start serving thread {n}: {e}"))?;
        serving.push(thread);
        hands.push(hand);
    }
    let mut shutdown = std::pin::pin!(shutdown);
    let mut next = 0;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted.and_then(|(stream, peer)| Ok((stream.into_std()?, peer))) {
                Ok(handed) => {
                    if hands[next].send(handed).is_err() {
                        return Err(format!("serving thread {next} has stopped"));
                    }
                    next = (next + 1) % hands.len();
                }
                Err(e) => accept_failed(e).await,
            },
        }
    }
    drop(listener);
    let _ = stop.send(true);
    drop(drained);
    // Every thread's sender is dropped once its connections are done (or the thread is gone).
    let mut all_drained = all_drained;
    let _ = all_drained.recv().await;
    Ok(Drained { release, threads: serving })
}

/// Serving threads whose connections are all done, their runtimes still running: a database
/// connection that a request opened is registered with its thread's runtime, and the rest of the
/// shutdown (the background workers' last steps, closing the pool) may still use it. Before, a
/// thread done first took such connections with it while other threads' requests still used them.
#[must_use = "the serving threads run until released"]
pub struct Drained {
    release: watch::Sender<bool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Drained {
    /// Lets the serving threads end, and waits until they have.
    pub async fn release(self) -> Result<(), String> {
        let Drained { release, threads } = self;
        let _ = release.send(true);
        tokio::task::spawn_blocking(move || {
            for thread in threads {
                let _ = thread.join();
            }
        })
        .await
        .map_err(|e| format!("serving threads did not stop: {e}"))
    }
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

/// The connections dealt to one serving thread, registered with its runtime as they arrive.
struct Handoff(mpsc::UnboundedReceiver<Handed>);

impl Listener for Handoff {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            // Closed only at shutdown, which axum's graceful shutdown ends first.
            let Some((stream, peer)) = self.0.recv().await else { return std::future::pending().await };
            match TcpStream::from_std(stream) {
                Ok(stream) => return (stream, peer),
                Err(e) => tracing::warn!(error = %e, "cannot take over an accepted connection"),
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Err(std::io::Error::other("a serving thread's connections come from the shared listener"))
    }
}
