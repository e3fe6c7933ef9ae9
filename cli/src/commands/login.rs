//! `login`: signs a user in to a stored jtl-cloud account in the browser, like
//! `gh auth login`: the authorization code with PKCE (jtl_connect::oauth_user), the redirect
//! caught on a loopback port (RFC 8252 §7.3), the user's grant sealed into the account store.

use std::time::Duration;

use jtl_connect::System;
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::{
    args::{Global, LoginArgs},
    context::{find_account, local, open_store},
    error::{CliError, CliResult},
    output,
};

/// Largest request head read from the browser.
const HEAD_LIMIT: usize = 16 * 1024;

/// Runs `login`.
pub(crate) async fn run(global: &Global, args: &LoginArgs) -> CliResult {
    let Some(spec) = &global.account else {
        return Err(CliError::input(
            "login: needs --account NAME, the jtl-cloud account (the app) to sign in to; add one with `jtl-connect accounts add jtl-cloud NAME ...`",
        ));
    };
    if global.user.is_some() {
        return Err(CliError::input(
            "--user: login signs a user in; the user comes from the sign-in, not from --user",
        ));
    }
    let store = open_store(global)?;
    let account = find_account(&store, spec)?;
    if account.system != System::Cloud {
        return Err(CliError::input(format!(
            "login: users sign in to jtl-cloud accounts; {:?} is a {} account",
            account.name, account.system
        )));
    }
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| {
            CliError::config(format!(
                "--port: cannot listen on 127.0.0.1:{} ({e})",
                args.port
            ))
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| CliError::config(format!("cannot read the loopback port ({e})")))?
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let scopes: Vec<&str> = args.scopes.iter().map(String::as_str).collect();
    let auth = store
        .authorization_code_client(&account.id, &redirect_uri, &scopes)
        .map_err(local)?;
    let pending = auth.start();
    if args.no_browser {
        // Alone on stdout, so a script (or a test) can open it.
        output::line(&pending.url)?;
        output::note("open this URL in a browser to sign in; waiting for the redirect");
    } else {
        output::note(&format!(
            "opening the browser to sign in; if it does not open, visit:\n  {}",
            pending.url
        ));
        open_browser(&pending.url);
    }
    let wait = Duration::from_secs(args.timeout);
    let (mut stream, target) = tokio::time::timeout(wait, callback(&listener))
        .await
        .map_err(|_| {
            CliError::new(
                "timeout",
                format!(
                    "login: no sign-in within {}s; run it again (or raise --timeout)",
                    args.timeout
                ),
            )
        })??;
    let finished = auth.finish_redirect(&pending, &target).await;
    let page = match &finished {
        Ok(grant) => format!(
            "Signed in as {}. You can close this tab and return to the terminal.",
            grant.user_name.as_deref().unwrap_or(&grant.user_id)
        ),
        Err(e) => format!("The sign-in failed ({}). See the terminal.", e.code()),
    };
    respond(&mut stream, 200, &page).await;
    let grant = finished?;
    let stored = store.save_grant(&account.id, &grant).map_err(local)?;
    if global.json {
        return output::json(&json!(stored));
    }
    output::table(&[
        ("account", format!("{:?}", account.name)),
        (
            "user",
            match &stored.user_name {
                Some(name) => format!("{name} ({})", stored.user_id),
                None => stored.user_id.clone(),
            },
        ),
        ("tenant", stored.tenant_id.clone().unwrap_or_default()),
        ("scopes", stored.scopes.join(" ")),
    ])?;
    output::note(&format!(
        "act as this user with: jtl-connect --account {:?} --user {} request GET info",
        account.name, stored.user_id
    ));
    Ok(())
}

/// Waits for the browser's `GET /callback?...`; other requests (a favicon) get 404.
async fn callback(listener: &TcpListener) -> CliResult<(TcpStream, String)> {
    loop {
        let (mut stream, _) = listener
            .accept()
            .await
            .map_err(|e| CliError::config(format!("login: the loopback listener failed ({e})")))?;
        let Some(target) = read_target(&mut stream).await else {
            continue;
        };
        if target == "/callback" || target.starts_with("/callback?") {
            return Ok((stream, target));
        }
        respond(&mut stream, 404, "Not the sign-in callback.").await;
    }
}

/// The request target of a `GET` request line, or `None` for anything else.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 || head.len() + read > HEAD_LIMIT {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut parts = text.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_owned()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = if status == 200 { "OK" } else { "Not Found" };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>jtl-connect</title></head><body><p>{}</p></body></html>",
        text.replace('&', "&amp;").replace('<', "&lt;")
    );
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Opens `url` in the default browser; a failure only means the user opens it by hand.
fn open_browser(url: &str) {
    let program: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["rundll32", "url.dll,FileProtocolHandler"]
    } else {
        &["xdg-open"]
    };
    let mut command = std::process::Command::new(program[0]);
    command
        .args(&program[1..])
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if command.spawn().is_err() {
        output::note("could not open a browser; open the URL above by hand");
    }
}
