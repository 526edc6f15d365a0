//! The HTTP/1.1 server: the accept loop and the routes.

use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::{Shared, auth, operations};

/// Accepts connections until `stopped` turns true, serving each on its own task.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => break,
        };
        let (stream, peer) = match accepted {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "accepting a connection failed");
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&shared), request));
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "connection ended with an error");
            }
        });
    }
    tracing::info!("emulator stopped");
}

/// A response before it becomes an HTTP response.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

/// The error that makes hyper close a connection without writing a response, for the
/// injected fault [`crate::FaultKind::DropConnection`].
#[derive(Debug)]
pub(crate) struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedConnection {}

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DroppedConnection> {
    let method = request.method().clone();
    let path = request.uri().path().to_ascii_lowercase();
    let headers = request.headers().clone();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::debug!(%error, "reading the request body failed");
            return Ok(plain(StatusCode::BAD_REQUEST, "Bad Request"));
        }
    };
    let reply = match (method, path.as_str()) {
        (Method::POST, "/v2/token") => auth::token_endpoint(&shared, &body).await,
        (Method::POST, "/service.asmx") => {
            operations::handle_soap(&shared, &headers, &body).await?
        }
        (_, "/v2/token" | "/service.asmx") => Reply {
            status: StatusCode::METHOD_NOT_ALLOWED,
            content_type: "text/plain",
            body: b"Method Not Allowed".to_vec(),
        },
        _ => Reply {
            status: StatusCode::NOT_FOUND,
            content_type: "text/plain",
            body: b"Not Found".to_vec(),
        },
    };
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = reply.status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(reply.content_type),
    );
    Ok(response)
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
