//! Test support shared by the runtime's and the bindings' integration tests: a small
//! HTTP/1.1 server on 127.0.0.1 that returns canned responses and records the requests it
//! receives, and a `tracing` subscriber that captures every event as text.
//!
//! The server reads only `Content-Length` bodies and serves one path's replies in the order
//! they were pushed, which is all the client tests need.

use std::collections::{HashMap, VecDeque};
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A canned response.
#[derive(Clone, Debug)]
pub enum Reply {
    /// An HTTP response with a `Content-Length`, on a connection kept open for more requests.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// No response at all: the connection stays open until the client gives up.
    Silent,
}

impl Reply {
    /// Builds a response with a `Content-Type` and a text body.
    pub fn new(status: u16, content_type: &str, body: &str) -> Self {
        Reply::Http {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Builds a SOAP 1.1 response.
    pub fn xml(status: u16, body: &str) -> Self {
        Reply::new(status, "text/xml; charset=utf-8", body)
    }

    /// Builds a JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Reply::new(status, "application/json", body)
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names in lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Which accepted connection carried the request, counting from 0.
    pub connection: usize,
}

impl Recorded {
    /// Returns the value of the first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

#[derive(Default)]
struct State {
    replies: HashMap<String, VecDeque<Reply>>,
    requests: Vec<Recorded>,
}

/// A server on an ephemeral loopback port. It stops with the test's runtime.
pub struct Server {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl Server {
    pub async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            let connections = AtomicUsize::new(0);
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let connection = connections.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve(stream, connection, Arc::clone(&shared)));
            }
        });
        Server { address, state }
    }

    /// Returns `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Queues `reply` as the response to the next request for `path`.
    pub fn push(&self, path: &str, reply: Reply) {
        let mut state = self.state.lock().unwrap();
        state
            .replies
            .entry(path.to_owned())
            .or_default()
            .push_back(reply);
    }

    /// Returns every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Returns the requests received for `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|request| request.path == path)
            .collect()
    }
}

async fn serve(mut stream: TcpStream, connection: usize, state: Arc<Mutex<State>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer, connection).await else {
            return;
        };
        let reply = {
            let mut state = state.lock().unwrap();
            let reply = state
                .replies
                .get_mut(&request.path)
                .and_then(VecDeque::pop_front);
            state.requests.push(request);
            reply
        };
        let reply = reply.unwrap_or_else(|| {
            Reply::new(599, "text/plain", "the test queued no reply for this path")
        });
        let (status, headers, body) = match reply {
            Reply::Http {
                status,
                headers,
                body,
            } => (status, headers, body),
            Reply::Silent => {
                // Keeps the connection open without responding until the client closes it.
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(read) if read > 0) {}
                return;
            }
        };
        let mut head = format!("HTTP/1.1 {status} Canned\r\n");
        for (name, value) in &headers {
            let _ = write!(head, "{name}: {value}\r\n");
        }
        let _ = write!(head, "Content-Length: {}\r\n\r\n", body.len());
        // One write, so that the client does not wait for a delayed ACK between two.
        let mut message = head.into_bytes();
        message.extend_from_slice(&body);
        if stream.write_all(&message).await.is_err() {
            return;
        }
    }
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    connection: usize,
) -> Option<Recorded> {
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position;
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .map_or(0, |(_, value)| value.parse().unwrap());

    let body_start = head_end + 4;
    while buffer.len() < body_start + length {
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8(buffer[body_start..body_start + length].to_vec()).unwrap();
    buffer.drain(..body_start + length);
    Some(Recorded {
        method,
        path,
        headers,
        body,
        connection,
    })
}

/// A subscriber that writes every event and span, with all fields, into a shared string.
#[derive(Clone, Default)]
pub struct Capture {
    text: Arc<Mutex<String>>,
    next_span: Arc<AtomicUsize>,
}

impl Capture {
    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    fn append(&self, prefix: &str, fields: &dyn Fn(&mut FieldWriter)) {
        let mut writer = FieldWriter(String::from(prefix));
        fields(&mut writer);
        writer.0.push('\n');
        self.text.lock().unwrap().push_str(&writer.0);
    }
}

struct FieldWriter(String);

impl tracing::field::Visit for FieldWriter {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _metadata: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let prefix = format!("span {}", span.metadata().name());
        self.append(&prefix, &|writer| span.record(writer));
        let id = self.next_span.fetch_add(1, Ordering::Relaxed) as u64 + 1;
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, _span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        self.append("record", &|writer| values.record(writer));
    }

    fn record_follows_from(&self, _span: &tracing::span::Id, _follows: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let prefix = format!("{} {}", event.metadata().level(), event.metadata().target());
        self.append(&prefix, &|writer| event.record(writer));
    }

    fn enter(&self, _span: &tracing::span::Id) {}

    fn exit(&self, _span: &tracing::span::Id) {}
}

/// Wraps a partnerAPI message in a SOAP 1.1 response envelope that declares `xsi`.
pub fn envelope(message: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="utf-8"?>"#,
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<soap:Body>{}</soap:Body></soap:Envelope>",
        ),
        message
    )
}

/// Returns the content of a request envelope's `soap:Body`, as the client writes it.
pub fn body_content(envelope: &str) -> &str {
    let start = envelope.find("<soap:Body>").expect("no soap:Body") + "<soap:Body>".len();
    let end = envelope.rfind("</soap:Body>").expect("no end of soap:Body");
    &envelope[start..end]
}
