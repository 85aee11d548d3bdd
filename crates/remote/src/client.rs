//! The one HTTP client of reformkg: a request with a known length, HTTP
//! Basic or Digest authentication when the server asks for it, and errors
//! that carry the server's status and its own one-line reason.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A user name and password for an endpoint that asks for them.
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a password, even in a debug dump.
        write!(f, "Credentials({})", self.user)
    }
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The server answered with an error status.
    #[error("{method} {url}: HTTP {status}{}: {message}{}", server.as_deref().map(|s| format!(" from {s}")).unwrap_or_default(), hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Status {
        method: &'static str,
        url: String,
        status: u16,
        server: Option<String>,
        message: String,
        hint: Option<String>,
    },
    /// No answer: refused connection, DNS, TLS, timeout.
    #[error("{method} {url}: {reason}")]
    Transport {
        method: &'static str,
        url: String,
        reason: String,
    },
    /// The server asked for credentials in a way this client does not speak.
    #[error("{url}: the server asks for authentication reformkg cannot answer: {challenge}")]
    Authentication { url: String, challenge: String },
    /// The answer could not be read or parsed.
    #[error("{url}: {reason}")]
    Answer { url: String, reason: String },
    #[error("{0} is not an http:// or https:// URL")]
    BadUrl(String),
}

/// The body of a request: its media type and bytes (always sent with a
/// `Content-Length`: Virtuoso accepts a chunked body with 201 and stores
/// nothing).
pub struct Body<'a> {
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// An answer with a 2xx status.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub server: Option<String>,
    reader: Box<dyn Read + Send + Sync + 'static>,
}

impl Answer {
    /// The body, to be read once.
    pub fn into_reader(self) -> Box<dyn Read + Send + Sync + 'static> {
        self.reader
    }
}

/// A client for one endpoint's requests.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    credentials: Option<Credentials>,
    /// The last Digest challenge, answered up front on the next requests
    /// (with a growing nonce count) instead of being asked for again.
    digest: Arc<Mutex<Option<digest_auth::WwwAuthenticateHeader>>>,
}

impl Client {
    /// A client whose requests give up after `timeout` (connect, send and
    /// read together); `None` waits as long as the server takes.
    pub fn new(credentials: Option<Credentials>, timeout: Option<Duration>) -> Self {
        let mut builder = ureq::AgentBuilder::new()
            .user_agent(concat!("reformkg/", env!("CARGO_PKG_VERSION")))
            .redirects(5);
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        Self {
            agent: builder.build(),
            credentials,
            digest: Arc::default(),
        }
    }

    /// Sends one request. A 401 is answered once with the client's
    /// credentials, in the scheme the server asked for (Basic or Digest).
    pub fn send(
        &self,
        method: &'static str,
        url: &str,
        accept: Option<&str>,
        body: Option<&Body<'_>>,
    ) -> Result<Answer, RemoteError> {
        check_url(url)?;
        let fail = |failure: Failure| failure.into_error(method, url);
        if let Some(authorization) = self.known_digest(method, url, body) {
            match self.attempt(method, url, accept, body, Some(&authorization)) {
                Ok(answer) => return Ok(answer),
                // A stale nonce: ask for a new challenge below.
                Err(Failure::Unauthorized { .. } | Failure::Transport(_)) => self.forget_digest(),
                Err(other) => return Err(fail(other)),
            }
        }
        let challenge = match self.attempt(method, url, accept, body, None) {
            Ok(answer) => return Ok(answer),
            Err(Failure::Unauthorized { challenge, .. }) => challenge,
            // Virtuoso closes the connection on a 401 before reading the
            // body: a request without one shows the challenge.
            Err(Failure::Transport(transport)) if body.is_some() => match self.probe(url) {
                Some(challenge) => challenge,
                None => return Err(fail(Failure::Transport(transport))),
            },
            Err(other) => return Err(fail(other)),
        };
        let Some(credentials) = &self.credentials else {
            return Err(fail(Failure::Unauthorized {
                challenge,
                refused: false,
            }));
        };
        let authorization = self.authorization(credentials, &challenge, method, url, body)?;
        match self.attempt(method, url, accept, body, Some(&authorization)) {
            // Refused credentials close the connection too: a GET with
            // them tells whether that is why.
            Err(Failure::Transport(transport)) if body.is_some() => {
                let refused = self.known_digest("GET", url, None).is_some_and(|get| {
                    matches!(
                        self.attempt("GET", url, None, None, Some(&get)),
                        Err(Failure::Unauthorized { .. })
                    )
                });
                Err(fail(if refused {
                    Failure::Unauthorized {
                        challenge,
                        refused: true,
                    }
                } else {
                    Failure::Transport(transport)
                }))
            }
            other => other.map_err(fail),
        }
    }

    fn attempt(
        &self,
        method: &'static str,
        url: &str,
        accept: Option<&str>,
        body: Option<&Body<'_>>,
        authorization: Option<&str>,
    ) -> Result<Answer, Failure> {
        let mut request = self.agent.request(method, url);
        if let Some(accept) = accept {
            request = request.set("Accept", accept);
        }
        if let Some(authorization) = authorization {
            request = request.set("Authorization", authorization);
        }
        let sent = match body {
            Some(body) => request
                .set("Content-Type", body.content_type)
                .send_bytes(body.bytes),
            None => request.call(),
        };
        match sent {
            Ok(response) => Ok(answer(response)),
            Err(ureq::Error::Status(401, response)) => Err(Failure::Unauthorized {
                challenge: response.header("WWW-Authenticate").unwrap_or("").to_owned(),
                refused: authorization.is_some(),
            }),
            Err(ureq::Error::Status(status, response)) => {
                Err(Failure::Status(status, Box::new(response)))
            }
            Err(ureq::Error::Transport(transport)) => Err(Failure::Transport(Box::new(transport))),
        }
    }

    /// The challenge a body-less GET of `url` gets, if it gets one.
    fn probe(&self, url: &str) -> Option<String> {
        match self.attempt("GET", url, None, None, None) {
            Err(Failure::Unauthorized { challenge, .. }) => Some(challenge),
            _ => None,
        }
    }

    /// The `Authorization` header answering `challenge` (a Digest
    /// challenge is kept for the next requests).
    fn authorization(
        &self,
        credentials: &Credentials,
        challenge: &str,
        method: &'static str,
        url: &str,
        body: Option<&Body<'_>>,
    ) -> Result<String, RemoteError> {
        let scheme = challenge
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match scheme.as_str() {
            "digest" => {
                let prompt =
                    digest_auth::parse(challenge).map_err(|e| RemoteError::Authentication {
                        url: url.to_owned(),
                        challenge: format!("{challenge} ({e})"),
                    })?;
                self.remember_digest(prompt);
                self.known_digest(method, url, body)
                    .ok_or_else(|| RemoteError::Authentication {
                        url: url.to_owned(),
                        challenge: challenge.to_owned(),
                    })
            }
            // No challenge at all: Basic is what such servers expect.
            "basic" | "" => {
                use base64::Engine;
                let pair = format!("{}:{}", credentials.user, credentials.password);
                Ok(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                ))
            }
            _ => Err(RemoteError::Authentication {
                url: url.to_owned(),
                challenge: challenge.to_owned(),
            }),
        }
    }

    fn remember_digest(&self, prompt: digest_auth::WwwAuthenticateHeader) {
        if let Ok(mut digest) = self.digest.lock() {
            *digest = Some(prompt);
        }
    }

    fn forget_digest(&self) {
        if let Ok(mut digest) = self.digest.lock() {
            *digest = None;
        }
    }

    /// The answer to the kept Digest challenge for this request.
    fn known_digest(
        &self,
        method: &'static str,
        url: &str,
        body: Option<&Body<'_>>,
    ) -> Option<String> {
        let credentials = self.credentials.as_ref()?;
        let mut digest = self.digest.lock().ok()?;
        let prompt = digest.as_mut()?;
        let context = digest_auth::AuthContext::new_with_method(
            credentials.user.as_str(),
            credentials.password.as_str(),
            request_target(url),
            body.map(|b| b.bytes),
            digest_auth::HttpMethod::from(method),
        );
        prompt
            .respond(&context)
            .ok()
            .map(|answer| answer.to_header_string())
    }
}

enum Failure {
    Unauthorized { challenge: String, refused: bool },
    Status(u16, Box<ureq::Response>),
    Transport(Box<ureq::Transport>),
}

impl Failure {
    fn into_error(self, method: &'static str, url: &str) -> RemoteError {
        match self {
            Failure::Unauthorized { challenge, refused } => RemoteError::Status {
                method,
                url: url.to_owned(),
                status: 401,
                server: None,
                message: if refused {
                    "the server refused the credentials".to_owned()
                } else {
                    "authentication required".to_owned()
                },
                hint: Some(if refused {
                    "check --user and the password in --password-env".to_owned()
                } else if challenge.is_empty() {
                    "give --user and --password-env".to_owned()
                } else {
                    let scheme = challenge.split_whitespace().next().unwrap_or("");
                    format!("the server asks for HTTP {scheme}; give --user and --password-env")
                }),
            },
            Failure::Status(status, response) => {
                let server = response.header("Server").map(str::to_owned);
                let mut text = String::new();
                let _ = response
                    .into_reader()
                    .take(64 * 1024)
                    .read_to_string(&mut text);
                let message = one_line_reason(&text);
                let hint = hint_for(status, server.as_deref(), url, &message);
                RemoteError::Status {
                    method,
                    url: url.to_owned(),
                    status,
                    server,
                    message,
                    hint,
                }
            }
            Failure::Transport(transport) => RemoteError::Transport {
                method,
                url: url.to_owned(),
                reason: transport_reason(&transport),
            },
        }
    }
}

/// ureq's message names the URL again; keep only what went wrong.
fn transport_reason(transport: &ureq::Transport) -> String {
    let text = transport.to_string();
    match text.split_once(": ") {
        Some((head, rest)) if head.starts_with("http") => rest.to_owned(),
        _ => text,
    }
}

fn answer(response: ureq::Response) -> Answer {
    Answer {
        status: response.status(),
        content_type: response.content_type().to_owned(),
        server: response.header("Server").map(str::to_owned),
        reader: Box::new(response.into_reader()),
    }
}

pub(crate) fn check_url(url: &str) -> Result<(), RemoteError> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Ok(())
    } else {
        Err(RemoteError::BadUrl(url.to_owned()))
    }
}

/// The path and query of a URL: what Digest signs as the `uri`.
fn request_target(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(slash) => after_scheme[slash..].to_owned(),
        None => "/".to_owned(),
    }
}

/// The server's reason in one line: the body's first meaningful text, with
/// HTML tags dropped (Virtuoso and others answer errors as HTML pages).
pub fn one_line_reason(body: &str) -> String {
    let mut text = String::with_capacity(body.len().min(4096));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    let reason = if joined.is_empty() {
        "(no message)".to_owned()
    } else {
        joined
    };
    truncate_chars(&reason, 300)
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// What a user can do about a known engine's way of refusing.
fn hint_for(status: u16, server: Option<&str>, url: &str, message: &str) -> Option<String> {
    let virtuoso = server.is_some_and(|s| s.contains("Virtuoso"));
    if virtuoso && status == 500 && (url.ends_with("?default") || url.ends_with("&default")) {
        return Some(
            "Virtuoso's graph store takes named graphs only: give --graph IRI or \
             --graph-per-collection"
                .to_owned(),
        );
    }
    if virtuoso && status == 500 && message.contains("permission") {
        return Some(
            "Virtuoso refuses an update with 500: grant SPARQL_UPDATE to the endpoint's user, \
             or use its authenticated endpoint (/sparql-auth) with --user"
                .to_owned(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_line_without_tags() {
        let html = "<html><head><title>Error</title></head>\n<body><h3>Virtuoso 37000 Error</h3>\n SP030: bad\n</body></html>";
        assert_eq!(
            one_line_reason(html),
            "Error Virtuoso 37000 Error SP030: bad"
        );
        assert_eq!(one_line_reason("  \n "), "(no message)");
        assert!(one_line_reason(&"x".repeat(1000)).chars().count() <= 301);
    }

    #[test]
    fn digest_signs_the_path_and_query() {
        assert_eq!(
            request_target("http://127.0.0.1:8890/sparql-auth?a=b"),
            "/sparql-auth?a=b"
        );
        assert_eq!(request_target("https://example.org"), "/");
    }

    /// Virtuoso stores nothing from a chunked body (and answers 201): every
    /// body goes with its length. A one-shot server on loopback reads what
    /// the client really sends.
    #[test]
    fn a_body_goes_with_its_length_never_chunked() {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://{}/store?graph=x",
            listener.local_addr().expect("addr")
        );
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut head = Vec::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).expect("read");
                if line.trim().is_empty() {
                    break;
                }
                head.push(line.trim().to_ascii_lowercase());
            }
            // The whole body is read before the answer: closing a socket
            // with unread data would reset the connection.
            let length: usize = head
                .iter()
                .find_map(|h| h.strip_prefix("content-length: "))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("the announced body");
            head.push(format!("body bytes: {}", body.len()));
            let mut stream = stream;
            stream
                .write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                .expect("answer");
            head
        });
        let body = vec![b'x'; 200_000];
        Client::new(None, Some(Duration::from_secs(10)))
            .send(
                "PUT",
                &url,
                None,
                Some(&Body {
                    content_type: "application/n-triples",
                    bytes: &body,
                }),
            )
            .expect("sent");
        let head = server.join().expect("server");
        assert!(
            head.contains(&"content-length: 200000".to_owned()),
            "{head:?}"
        );
        assert!(head.contains(&"body bytes: 200000".to_owned()), "{head:?}");
        assert!(
            !head.iter().any(|h| h.starts_with("transfer-encoding")),
            "{head:?}"
        );
    }

    #[test]
    fn only_http_urls_are_sent() {
        assert!(check_url("ftp://x").is_err());
        assert!(check_url("HTTPS://x/sparql").is_ok());
    }
}
