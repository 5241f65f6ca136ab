//! What an operator watches, on the real server: the Prometheus exposition on its own listener
//! (checked by Debian's `promtool check metrics`), request ids on responses and log lines, JSON
//! logs, and no address or token in any log line even at debug level.

use crate::running;

use running::{request, signup_request, Server};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

fn get(addr: SocketAddr, path: &str, extra: &str) -> String {
    request(addr, &format!("GET {path} HTTP/1.1\r\nHost: t\r\n{extra}Connection: close\r\n\r\n")).unwrap_or_default()
}

/// The value of the sample `name{labels}` (labels exactly as exposed, `""` for none).
fn sample(exposition: &str, name: &str, labels: &str) -> Option<f64> {
    let wanted = if labels.is_empty() { name.to_string() } else { format!("{name}{{{labels}}}") };
    exposition.lines().find_map(|line| line.strip_prefix(&wanted)?.strip_prefix(' ')?.trim().parse().ok())
}

#[test]
fn metrics_are_served_on_their_own_listener_and_pass_promtool() {
    let metrics = free_addr();
    let server = Server::start(&[("NV_METRICS_ADDR", &metrics.to_string())]);
    assert!(get(server.addr, "/articles/vitamin-d3-k2", "").starts_with("HTTP/1.1 200"));
    assert!(get(server.addr, "/articles/vitamin-d3-k2", "").starts_with("HTTP/1.1 200"));
    assert!(get(server.addr, "/no-such-page-token-abc", "").starts_with("HTTP/1.1 404"));
    assert!(request(server.addr, &signup_request(server.addr, "counted@example.com"))
        .unwrap()
        .starts_with("HTTP/1.1 200"));
    let refused = request(server.addr, &signup_request(server.addr, "not-an-address")).unwrap_or_default();
    assert!(refused.starts_with("HTTP/1.1 4"), "{refused}");
    // The site itself does not expose them.
    assert!(get(server.addr, "/metrics", "").starts_with("HTTP/1.1 404"));

    let reply = get(metrics, "/metrics", "");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let exposition = reply.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default();
    let checked = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut promtool| {
            promtool.stdin.take().expect("stdin").write_all(exposition.as_bytes())?;
            promtool.wait_with_output()
        })
        .expect("promtool (Debian's prometheus; scripts/install-tools.sh --test installs it)");
    assert!(
        checked.status.success(),
        "promtool check metrics:\n{}{}\n{exposition}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    assert_eq!(sample(&exposition, "nv_page_cache_hits_total", ""), Some(1.0), "{exposition}");
    assert_eq!(sample(&exposition, "nv_http_requests_total", r#"route="/articles/{slug}",status="2xx""#), Some(1.0));
    assert_eq!(sample(&exposition, "nv_http_requests_total", r#"route="page cache",status="2xx""#), Some(1.0));
    // The made-up page and /metrics asked of the site: both unrouted, one label.
    assert_eq!(
        sample(&exposition, "nv_http_requests_total", r#"route="other",status="4xx""#),
        Some(2.0),
        "{exposition}"
    );
    assert_eq!(sample(&exposition, "nv_signups_total", r#"outcome="accepted",reason="stored""#), Some(1.0));
    assert_eq!(sample(&exposition, "nv_signups_total", r#"outcome="refused",reason="invalid_address""#), Some(1.0));
    assert_eq!(sample(&exposition, "nv_content_articles", ""), Some(13.0), "{exposition}");
    assert_eq!(sample(&exposition, "nv_database_writes_refused", ""), Some(0.0));
    assert!(exposition.contains("nv_build_info{"), "{exposition}");
    assert!(exposition.contains("nv_http_request_duration_seconds_bucket{"), "{exposition}");
    // Raw paths and queries never become label values.
    assert!(!exposition.contains("no-such-page") && !exposition.contains("token"), "{exposition}");
}

#[test]
fn request_ids_reach_the_response_and_every_json_log_line_and_no_address_or_token_is_logged() {
    let server = Server::start(&[("NV_LOG_FORMAT", "json"), ("RUST_LOG", "debug")]);
    let answered = get(server.addr, "/articles/magnesium-sleep", "X-Request-Id: trace-me-42\r\n");
    assert!(answered.to_ascii_lowercase().contains("x-request-id: trace-me-42"), "{answered}");
    // A made-up id full of markup is replaced, not echoed or logged.
    let replaced = get(server.addr, "/about", "X-Request-Id: <script>alert(1)</script>\r\n");
    let id = replaced
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("x-request-id: ").map(str::to_string))
        .expect("an id");
    assert!(!id.contains('<') && !id.is_empty(), "{id}");

    // A signup, its confirmation link and an unsubscribe: addresses and tokens pass through.
    let reply = request(server.addr, &signup_request(server.addr, "private.reader@example.com")).unwrap_or_default();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mail = std::fs::read_dir(server.data.path().join("outbox"))
        .expect("the confirmation mail file")
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .next()
        .expect("a mail");
    let token = |marker: &str| {
        let unfolded = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        let start = unfolded.find(marker).map(|at| at + marker.len()).expect(marker);
        unfolded[start..start + 64].to_string()
    };
    let confirm = token("/newsletter/confirm?token=");
    let unsubscribe = token("/newsletter/unsubscribe?token=");
    assert!(get(server.addr, &format!("/newsletter/confirm?token={confirm}"), "").starts_with("HTTP/1.1 200"));
    assert!(get(server.addr, &format!("/newsletter/unsubscribe?token={unsubscribe}"), "").starts_with("HTTP/1.1 200"));
    std::thread::sleep(std::time::Duration::from_millis(300));

    let log = server.log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}")))
        .collect();
    let traced: Vec<_> = lines.iter().filter(|line| line["span"]["id"] == "trace-me-42").collect();
    assert!(!traced.is_empty(), "no log line carries the request id:\n{log}");
    assert!(traced.iter().any(|line| line["fields"]["message"] == "request finished"), "{log}");
    assert!(traced.iter().all(|line| line["span"]["route"] == "/articles/{slug}"), "{log}");
    assert!(!log.contains("\u{1b}["), "colour codes in a log written to a file");
    for secret in ["private.reader@example.com", confirm.as_str(), unsubscribe.as_str(), "<script>"] {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
}
