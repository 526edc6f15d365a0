//! Measures a full Retrieve round trip of 2,500 SentEvents (one full page) against an HTTP
//! server on 127.0.0.1. It also measures each part on its own: writing the request, the
//! HTTP exchange of the same bytes, and reading the response message.
//!
//! ```text
//! cargo run --release -p sfmc-partner-api --example round_trip_bench [ITERATIONS]
//! ```
//!
//! The server sends a canned response and runs in the same process, on the same Tokio
//! runtime as the client, so its own cost is part of the HTTP figure.

use std::env;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sfmc_partner_api::outcome::CheckedApi as _;
use sfmc_partner_api::runtime::client::{Client, RetryPolicy, UsernameToken};
use sfmc_partner_api::runtime::xml::Message as _;
use sfmc_partner_api::{RetrieveRequest, RetrieveRequestMsg, RetrieveResponseMsg, filter};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The number of results in the response: one full page.
const RESULTS: usize = 2_500;

const DEFAULT_ITERATIONS: usize = 200;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let iterations = env::args()
        .nth(1)
        .map(|text| text.parse().expect("ITERATIONS must be a whole number"))
        .unwrap_or(DEFAULT_ITERATIONS);

    let message = response_message();
    let response = Arc::new(http_response(&envelope(&message)));
    let address = start_server(Arc::clone(&response)).await;
    let client = Client::builder()
        .soap_endpoint(format!("http://{address}/Service.asmx"))
        .credentials(UsernameToken::new("api-user", "password"))
        .retry(RetryPolicy::none())
        .build()
        .expect("the client configuration is valid");
    let request = retrieve_request();

    // The request as the HTTP-only measurement sends it: the message in a plain envelope.
    let request_xml = request.to_xml().expect("the request can be written");
    let request_http = http_request(&address, &envelope(&request_xml));

    println!(
        "response: {RESULTS} SentEvents, {} bytes of HTTP response; {iterations} iterations",
        response.len()
    );

    let full = measure(iterations, || async {
        let response = client
            .retrieve_checked(&request)
            .await
            .expect("the call succeeds");
        assert_eq!(response.results.len(), RESULTS);
    })
    .await;
    report("full round trip (client.retrieve_checked)", &full);

    let write = measure(iterations, || async {
        let xml = request.to_xml().expect("the request can be written");
        std::hint::black_box(xml);
    })
    .await;
    report("write the request message (to_xml)", &write);

    let mut stream = TcpStream::connect(address)
        .await
        .expect("the server accepts");
    let mut buffer = Vec::with_capacity(response.len());
    let mut http = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        exchange(&mut stream, &request_http, &mut buffer).await;
        http.push(started.elapsed());
        assert_eq!(buffer.len(), response.len());
    }
    let http = summarize(http);
    report("HTTP exchange of the same bytes (raw TCP)", &http);

    let read = measure(iterations, || async {
        let parsed = RetrieveResponseMsg::from_xml(message.as_bytes()).expect("the page reads");
        assert_eq!(parsed.results.len(), RESULTS);
    })
    .await;
    report("read the response message (from_xml)", &read);

    // The medians of the parts do not add up exactly, so the remainder is an estimate of
    // what the client adds: the SOAP envelope, reqwest and hyper, and checking the status.
    let parts = write.median + http.median + read.median;
    println!(
        "{:<45} median {:>9.3} ms (estimate: full minus the three parts)",
        "remainder",
        millis(full.median.saturating_sub(parts)),
    );
    println!(
        "requests/s (full round trip, from the median): {:.1}",
        1.0 / full.median.as_secs_f64()
    );
}

/// The distribution of one measurement.
struct Summary {
    median: Duration,
    mean: Duration,
    min: Duration,
    max: Duration,
}

async fn measure<F, Fut>(iterations: usize, mut run: F) -> Summary
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    // One untimed run warms the connection pool and the caches.
    run().await;
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        run().await;
        times.push(started.elapsed());
    }
    summarize(times)
}

fn summarize(mut times: Vec<Duration>) -> Summary {
    times.sort();
    let total: Duration = times.iter().sum();
    Summary {
        median: times[times.len() / 2],
        mean: total / times.len() as u32,
        min: times[0],
        max: times[times.len() - 1],
    }
}

fn report(label: &str, summary: &Summary) {
    println!(
        "{label:<45} median {:>9.3} ms  mean {:>9.3} ms  min {:>9.3} ms  max {:>9.3} ms",
        millis(summary.median),
        millis(summary.mean),
        millis(summary.min),
        millis(summary.max),
    );
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn retrieve_request() -> RetrieveRequestMsg {
    RetrieveRequestMsg {
        retrieve_request: RetrieveRequest {
            object_type: "SentEvent".to_owned(),
            properties: ["SendID", "SubscriberKey", "EventDate", "BatchID"]
                .map(str::to_owned)
                .to_vec(),
            filter: Some(filter::equals("SendID", "10980375")),
            ..RetrieveRequest::default()
        },
        ..RetrieveRequestMsg::default()
    }
}

/// A RetrieveResponseMsg with `RESULTS` SentEvents shaped like the service's.
fn response_message() -> String {
    let mut message = String::from(concat!(
        r#"<RetrieveResponseMsg xmlns="http://exacttarget.com/wsdl/partnerAPI" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
        "<OverallStatus>OK</OverallStatus><RequestID>bench-request</RequestID>",
    ));
    for index in 0..RESULTS {
        message.push_str(&format!(
            concat!(
                r#"<Results xsi:type="SentEvent"><PartnerKey xsi:nil="true"/>"#,
                r#"<ObjectID xsi:nil="true"/><SendID>10980375</SendID>"#,
                "<SubscriberKey>subscriber-{index:05}@example.com</SubscriberKey>",
                "<EventDate>2014-03-26T10:02:01.987</EventDate><BatchID>{batch}</BatchID>",
                "</Results>",
            ),
            index = index,
            batch = index / 500,
        ));
    }
    message.push_str("</RetrieveResponseMsg>");
    message
}

fn envelope(message: &str) -> String {
    format!(
        concat!(
            r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<soap:Body>{}</soap:Body></soap:Envelope>",
        ),
        message
    )
}

fn http_response(body: &str) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body.as_bytes());
    response
}

fn http_request(address: &SocketAddr, body: &str) -> Vec<u8> {
    let mut request = format!(
        "POST /Service.asmx HTTP/1.1\r\nHost: {address}\r\nContent-Type: text/xml; \
         charset=utf-8\r\nSOAPAction: Retrieve\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body.as_bytes());
    request
}

/// Starts a server that returns `response` to every request on every connection.
async fn start_server(response: Arc<Vec<u8>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port is free");
    let address = listener.local_addr().expect("the listener has an address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, Arc::clone(&response)));
        }
    });
    address
}

async fn serve(mut stream: TcpStream, response: Arc<Vec<u8>>) {
    let mut buffer = Vec::new();
    while let Some(length) = read_message(&mut stream, &mut buffer).await {
        buffer.drain(..length);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

/// Sends `request` and reads one response into `buffer`.
async fn exchange(stream: &mut TcpStream, request: &[u8], buffer: &mut Vec<u8>) {
    stream.write_all(request).await.expect("the server reads");
    buffer.clear();
    let length = read_message(stream, buffer)
        .await
        .expect("the server returns a response");
    buffer.truncate(length);
}

/// Reads one HTTP message (head and `Content-Length` body) from the front of the stream,
/// leaving it at the front of `buffer`, and returns its length. `None` at end of stream.
async fn read_message(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<usize> {
    let mut chunk = vec![0u8; 64 * 1024];
    let head_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse().unwrap_or(0));
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Some(head_end + length)
}
