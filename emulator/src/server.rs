//! The accept loop. It is written out (rather than `axum::serve`) so a fault can drop a
//! connection without answering, and so dropping the [`crate::Emulator`] closes every
//! connection at once.

use std::sync::Arc;

use axum::{body::Body, Router};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::{
    net::TcpListener,
    sync::{watch, Notify},
    task::JoinSet,
};
use tower::ServiceExt;

/// Put into every request's extensions: lets a handler close its connection.
#[derive(Clone)]
pub(crate) struct ConnectionKill(Arc<Notify>);

impl ConnectionKill {
    pub(crate) fn kill(&self) {
        self.0.notify_one();
    }
}

pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Small JSON answers must not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(connection(stream, app.clone()));
                }
                // Out of file descriptors and the like: back off briefly, keep serving.
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
            },
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    // Dropping the set aborts every open connection.
}

async fn connection(stream: tokio::net::TcpStream, app: Router) {
    let kill = Arc::new(Notify::new());
    let handle = ConnectionKill(kill.clone());
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        app.clone().oneshot(request.map(Body::new))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = kill.notified() => {}
    }
}
