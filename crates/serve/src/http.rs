//! The HTTP edge: a request read into an [`Incoming`], a [`Reply`] written
//! back. Only this file knows tiny_http; the handlers see plain values.

use crate::App;
use std::io::Read;

/// One request, read in full (bodies are bounded by `--max-body`).
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    pub method: String,
    /// The path, percent-decoding left to the handler.
    pub path: String,
    /// The raw query string (after `?`), empty when there is none.
    pub query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Incoming {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The decoded parameters of the query string.
    pub fn params(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    /// The first value of a query-string parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// A response: status, content type, extra headers and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A plain-text error: the status and a one-line reason.
    pub fn error(status: u16, message: impl std::fmt::Display) -> Self {
        let text = message.to_string();
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::new(status, "text/plain; charset=utf-8", format!("{line}\n"))
    }

    pub fn html(markup: maud::Markup) -> Self {
        Self::new(200, "text/html; charset=utf-8", markup.into_string())
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// The answer to a CORS preflight (only sent with `--cors`).
pub fn preflight() -> Reply {
    Reply::new(204, "text/plain", Vec::new())
        .with_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        .with_header("Access-Control-Allow-Headers", "Content-Type, Accept")
}

/// A worker: takes requests off the server's queue until it is unblocked.
pub fn work(server: &tiny_http::Server, app: &App) {
    while let Ok(mut request) = server.recv() {
        let reply = match read(&mut request, app.options.max_body) {
            // A bug in one handler must not take a worker out of the pool.
            Ok(incoming) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.handle(&incoming)))
                    .unwrap_or_else(|_| {
                        Reply::error(500, "internal error while answering this request")
                    })
            }
            Err(reply) => reply,
        };
        // A client that went away is not the server's problem.
        let _ = request.respond(response(reply));
    }
}

fn read(request: &mut tiny_http::Request, max_body: usize) -> Result<Incoming, Reply> {
    let url = request.url().to_owned();
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path.to_owned(), query.to_owned()),
        None => (url, String::new()),
    };
    let headers = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    if request.body_length().is_some_and(|n| n > max_body) {
        return Err(too_large(max_body));
    }
    let mut body = Vec::new();
    let limit = u64::try_from(max_body)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    request
        .as_reader()
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| Reply::error(400, format!("cannot read the request body: {e}")))?;
    if body.len() > max_body {
        return Err(too_large(max_body));
    }
    Ok(Incoming {
        method: request.method().as_str().to_ascii_uppercase(),
        path,
        query,
        headers,
        body,
    })
}

fn too_large(max_body: usize) -> Reply {
    Reply::error(
        413,
        format!("the request body is larger than {max_body} bytes (--max-body raises the limit)"),
    )
}

fn response(reply: Reply) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    let headers =
        std::iter::once(("Content-Type".to_owned(), reply.content_type)).chain(reply.headers);
    for (name, value) in headers {
        if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}
