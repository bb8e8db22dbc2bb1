//! The TLS accept loop: one task per connection, HTTP/1.1 by hyper, routes by axum.
//!
//! Serving connections by hand (rather than through a ready-made server) lets a fault drop
//! one connection without a response, and hands each request its peer address for the
//! audit trail.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Per-connection facts and controls, put into every request's extensions.
#[derive(Clone, Debug)]
pub struct ConnectionControl {
    /// The client's address (its IP goes into audit records).
    pub peer: SocketAddr,
    kill: Arc<Notify>,
}

impl ConnectionControl {
    /// Asks the connection task to close the connection at once, without a response.
    pub fn drop_connection(&self) {
        self.kill.notify_one();
    }
}

/// Accepts connections until the task running it is aborted; aborting also ends every
/// connection, because the `JoinSet` holding them aborts its tasks when dropped.
pub async fn serve(listener: TcpListener, acceptor: TlsAcceptor, router: Router) {
    let mut connections = JoinSet::new();
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        let acceptor = acceptor.clone();
        let router = router.clone();
        connections.spawn(async move {
            let handshake = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
            let tls = match handshake.await {
                Ok(Ok(tls)) => tls,
                Ok(Err(error)) => {
                    tracing::debug!(%peer, %error, "TLS handshake failed");
                    return;
                }
                Err(_) => return,
            };
            let control = ConnectionControl { peer, kill: Arc::new(Notify::new()) };
            let kill = control.kill.clone();
            let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(control.clone());
                router.clone().oneshot(request)
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(tls), service);
            tokio::select! {
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(%peer, %error, "connection ended with an error");
                    }
                }
                () = kill.notified() => {
                    tracing::debug!(%peer, "dropping the connection (fault injection)");
                }
            }
        });
    }
}
