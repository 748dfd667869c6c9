//! HTTP/1.1 connections to the vendor, each driven by the task that is asking: +24% req/s on
//! the proxy hop against reqwest's pooled client (A/B, `bench/history.md`, 4c12011).
//!
//! reqwest (hyper's pooled client) runs every connection on a task of its own, so each call
//! handed its request to that task and its reply back, a cross-task wake-up each way. Here a
//! caller takes an idle connection, drives it itself while its one request is answered, and puts
//! it back, as nginx's upstream keep-alive does. Redirects are never followed (nothing here
//! would), and no URL appears in an error.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder, MaybeHttpsStream};
use hyper_rustls::builderstates::WantsSchemes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tower::ServiceExt;

type Io = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;

/// A connection idle longer than this is closed rather than reused: servers and load balancers
/// close idle keep-alive connections after about a minute, and a request written into one they
/// are closing fails.
const IDLE_FOR: Duration = Duration::from_secs(30);
/// Idle connections kept (all threads together); beyond this the longest idle is closed.
const MAX_IDLE: usize = 64;
/// The most one reply may hold: a 5,000-recording list is about 2.5 MB, so this is some 16,000
/// recordings. A vendor gone wrong cannot fill our memory: ten such replies read at once, decoded,
/// stay within about 250 MB (at 64 MiB each, ten 50 MB lists took the process to 882 MB).
pub const MAX_BODY: usize = 8 << 20;

/// The most a connection reads at once. An idle connection keeps the read buffer it grew to;
/// at hyper's default (408 KiB) connections that had read 5,000-recording lists held about
/// 20 MiB between them after the load (A/B: RSS 30 s after 25 concurrent such views 63-74 ->
/// 53-55 MiB), and a list reads as fast in 64 KiB pieces over loopback.
const READ_BUFFER_MAX: usize = 64 << 10;

/// The parts of a reply the client reads.
#[derive(Debug)]
pub struct RawReply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Bytes,
}

#[derive(Debug, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing was sent.
    Connect(String),
    /// The request may have reached the vendor before the connection broke.
    Interrupted(String),
    /// The reply was longer than `MAX_BODY`; the connection is closed.
    TooLarge,
}

struct Conn {
    send: SendRequest<Full<Bytes>>,
    conn: Connection<Io, Full<Bytes>>,
    idle_since: Instant,
}

/// Connections to one origin (`http` or `https`), shared by every caller.
#[derive(Clone)]
pub struct Transport {
    connector: HttpsConnector<HttpConnector>,
    origin: Uri,
    idle: Arc<Mutex<Vec<Conn>>>,
}

impl Transport {
    /// `origin` is scheme and authority; TLS trusts the Mozilla roots (as reqwest did).
    pub fn new(origin: Uri, connect_timeout: Duration) -> Result<Self, String> {
        let tls = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("cannot set up TLS: {e}"))?;
        Ok(Self::with_tls(origin, connect_timeout, tls))
    }

    fn with_tls(origin: Uri, connect_timeout: Duration, tls: HttpsConnectorBuilder<WantsSchemes>) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(connect_timeout));
        let connector = tls.https_or_http().enable_http1().wrap_connector(tcp);
        Self { connector, origin, idle: Arc::default() }
    }

    /// Sends `req` (origin-form URI, `Host` set) and reads the whole reply. A request a reused
    /// connection could not take is sent again on a new one; nothing that may have been sent is.
    pub async fn send(&self, mut req: Request<Full<Bytes>>) -> Result<RawReply, TransportError> {
        loop {
            let (mut c, reused) = match self.take_idle().await {
                Some(c) => (c, true),
                None => (self.connect().await?, false),
            };
            let Conn { send, conn, .. } = &mut c;
            let (outcome, open) = drive(conn, exchange(send, req)).await;
            match outcome {
                Ok(reply) => {
                    if open {
                        self.put_back(c);
                    }
                    return Ok(reply);
                }
                Err(Failure::Unsent(again, _)) if reused => req = again,
                Err(Failure::Unsent(_, why)) => return Err(TransportError::Connect(why)),
                Err(Failure::Broken(why)) => return Err(TransportError::Interrupted(why)),
                Err(Failure::TooLarge) => return Err(TransportError::TooLarge),
            }
        }
    }

    async fn take_idle(&self) -> Option<Conn> {
        loop {
            // The most recently used: its buffers are warm, and the longest idle age out.
            let mut c = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop()?;
            if c.idle_since.elapsed() > IDLE_FOR {
                continue;
            }
            // One poll reads what arrived while it sat here: a connection the server closed
            // ends now instead of failing the request written into it.
            let open = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut c.conn).poll(cx).is_pending())).await;
            if open && !c.send.is_closed() {
                return Some(c);
            }
        }
    }

    fn put_back(&self, mut c: Conn) {
        c.idle_since = Instant::now();
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        // The longest idle makes room (oldest first: they go back at the end).
        if idle.len() >= MAX_IDLE {
            idle.remove(0);
        }
        idle.push(c);
    }

    async fn connect(&self) -> Result<Conn, TransportError> {
        let io = self.connector.clone().oneshot(self.origin.clone()).await.map_err(|e| TransportError::Connect(chain(&*e)))?;
        let (send, conn) = http1::Builder::new().max_buf_size(READ_BUFFER_MAX).handshake(io).await.map_err(|e| TransportError::Connect(chain(&e)))?;
        Ok(Conn { send, conn, idle_since: Instant::now() })
    }
}

enum Failure {
    /// The connection closed before the request was written; here it is back.
    Unsent(Request<Full<Bytes>>, String),
    Broken(String),
    TooLarge,
}

async fn exchange(send: &mut SendRequest<Full<Bytes>>, req: Request<Full<Bytes>>) -> Result<RawReply, Failure> {
    let resp = send.try_send_request(req).await.map_err(|mut e| match e.take_message() {
        Some(req) => Failure::Unsent(req, chain(e.error())),
        None => Failure::Broken(chain(e.error())),
    })?;
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get(http::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = Limited::new(resp.into_body(), MAX_BODY).collect().await.map_err(|e| match e.downcast_ref::<LengthLimitError>() {
        Some(_) => Failure::TooLarge,
        None => Failure::Broken(chain(&*e)),
    })?;
    let body = body.to_bytes();
    Ok(RawReply { status, retry_after, body })
}

/// Runs `work` while driving `conn`, which carries its bytes; also says whether the connection
/// is still open afterwards. An ended connection is not polled again; `work` then fails on its
/// own (hyper answers every request it held).
async fn drive<T>(conn: &mut Connection<Io, Full<Bytes>>, work: impl Future<Output = T>) -> (T, bool) {
    let mut work = pin!(work);
    let mut open = true;
    let out = std::future::poll_fn(|cx| {
        if open && Pin::new(&mut *conn).poll(cx).is_ready() {
            open = false;
        }
        work.as_mut().poll(cx)
    })
    .await;
    (out, open)
}

/// An error and its causes on one line.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    //! The https path, against a TLS server of the test's own on loopback. Its certificates, in
    //! `tests/fixtures/tls`, are a CA and a certificate it signed for `localhost` only (made with
    //! openssl, valid until 2126).

    use std::sync::atomic::{AtomicUsize, Ordering};

    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    const CA: &[u8] = include_bytes!("../../../tests/fixtures/tls/ca.pem");
    const CERT: &[u8] = include_bytes!("../../../tests/fixtures/tls/vendor.pem");
    const KEY: &[u8] = include_bytes!("../../../tests/fixtures/tls/vendor.key");

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// Serves https on loopback, answering every request `ok`; counts the connections it took.
    async fn tls_server() -> (u16, Arc<AtomicUsize>) {
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from_pem_slice(CERT).unwrap()], PrivateKeyDer::from_pem_slice(KEY).unwrap())
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A client that refuses the certificate ends the handshake here.
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let (mut buf, mut chunk) = (Vec::new(), [0u8; 4096]);
                    loop {
                        // These requests have no body: each ends at its blank line.
                        while let Some(end) = memchr::memmem::find(&buf, b"\r\n\r\n") {
                            buf.drain(..end + 4);
                            let reply = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await;
                            if reply.is_err() || tls.flush().await.is_err() {
                                return;
                            }
                        }
                        match tls.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                });
            }
        });
        (port, connections)
    }

    fn trusting_our_ca(origin: &str) -> Transport {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from_pem_slice(CA).unwrap()).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let tls = HttpsConnectorBuilder::new().with_tls_config(config);
        Transport::with_tls(origin.parse().unwrap(), Duration::from_secs(5), tls)
    }

    fn get(host: &str) -> Request<Full<Bytes>> {
        Request::get("/admin/meetings").header(http::header::HOST, host).body(Full::new(Bytes::new())).unwrap()
    }

    #[tokio::test]
    async fn https_to_a_trusted_certificate_is_answered_and_its_connection_kept() {
        let (port, connections) = tls_server().await;
        let transport = trusting_our_ca(&format!("https://localhost:{port}"));
        for _ in 0..3 {
            let reply = transport.send(get(&format!("localhost:{port}"))).await.unwrap();
            assert_eq!((reply.status, &reply.body[..]), (200, &b"ok"[..]));
        }
        assert_eq!(connections.load(Ordering::SeqCst), 1, "one TLS connection, kept for the next request");
    }

    #[tokio::test]
    async fn an_unknown_issuer_or_another_name_is_refused_before_anything_is_sent() {
        let (port, _) = tls_server().await;
        // As deployed: the Mozilla roots, which do not know our CA.
        let deployed = Transport::new(format!("https://localhost:{port}").parse().unwrap(), Duration::from_secs(5)).unwrap();
        match deployed.send(get(&format!("localhost:{port}"))).await {
            Err(TransportError::Connect(why)) => assert!(why.contains("invalid peer certificate: UnknownIssuer"), "{why}"),
            other => panic!("an unknown issuer was accepted: {other:?}"),
        }
        // Our CA, but an address the certificate is not for.
        let elsewhere = trusting_our_ca(&format!("https://127.0.0.1:{port}"));
        match elsewhere.send(get(&format!("127.0.0.1:{port}"))).await {
            Err(TransportError::Connect(why)) => assert!(why.contains("invalid peer certificate: certificate not valid for name"), "{why}"),
            other => panic!("a certificate for another name was accepted: {other:?}"),
        }
    }
}
