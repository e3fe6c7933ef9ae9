//! With debug logging on, a whole flow (tokens, refresh after 401, retries, SCX, Wawi, errors)
//! must not log, print or put into an error any credential or token.

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use jtl_connect::{ApiClient, ClientCredentials, CloudClient, ScxClient, WawiClient};
use jtl_emulator::{Fault, Service};
use tracing_subscriber::fmt::MakeWriter;

use crate::support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[test]
fn debug_logs_and_errors_carry_no_secret() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // One thread, so every task (client, emulator, refreshes) logs into this subscriber.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut seen_secrets: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    // A second, silent dispatcher stays alive meanwhile: with only one, tracing-core asks
    // just the thread that first reaches an event, and a parallel test without a subscriber
    // would switch the event off for good.
    let _silent = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let emu = emulator().await;
            seen_secrets.extend([
                emu.client_secret().to_owned(),
                emu.wawi_api_key().to_owned(),
                emu.scx_refresh_token().to_owned(),
            ]);
            let client = cloud(&emu);
            let token = client.access_token().await.unwrap();
            seen_secrets.push(token.expose().to_owned());
            emu.inject_fault(Fault::status(Service::Api, 401)).unwrap();
            emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
            client.get("info").await.unwrap();
            seen_secrets.push(client.access_token().await.unwrap().expose().to_owned());
            texts.push(client.get("items/12345").await.unwrap_err().to_string());

            let wrong = CloudClient::builder(
                ClientCredentials::new(emu.client_id(), "s3cr3t-wrong-one").unwrap(),
            )
            .endpoints(endpoints(&emu))
            .tenant_id(emu.tenant_id())
            .http_options(quick_http())
            .build()
            .unwrap();
            seen_secrets.push("s3cr3t-wrong-one".into());
            let err = wrong.get("info").await.unwrap_err();
            texts.push(err.to_string());
            texts.push(format!("{err:?}"));

            let scx = ScxClient::builder(emu.scx_refresh_token())
                .endpoints(endpoints(&emu))
                .build()
                .unwrap();
            scx.events().await.unwrap();
            seen_secrets.push(scx.access_token().await.unwrap().expose().to_owned());
            let bad_scx = ScxClient::builder("scx-unknown-refresh-token")
                .endpoints(endpoints(&emu))
                .build()
                .unwrap();
            seen_secrets.push("scx-unknown-refresh-token".into());
            texts.push(format!("{:?}", bad_scx.events().await.unwrap_err()));
            texts.push(format!("{bad_scx:?}"));

            let wawi = WawiClient::new(&emu.wawi_base(), emu.wawi_api_key(), "leak/1.0.0", "1.0.0")
                .unwrap();
            wawi.get("v1/items").await.unwrap();
            let bad_wawi = WawiClient::new(
                &emu.wawi_base(),
                "wawi-key-not-registered",
                "leak/1.0.0",
                "1.0.0",
            )
            .unwrap();
            seen_secrets.push("wawi-key-not-registered".into());
            texts.push(format!("{:?}", bad_wawi.get("v1/items").await.unwrap_err()));
            texts.push(format!("{bad_wawi:?} {wawi:?} {client:?} {token:?}"));
        });
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("retrying"),
        "debug events were captured: {log}"
    );
    assert!(log.contains("access token issued"), "{log}");
    for secret in &seen_secrets {
        assert!(!log.contains(secret.as_str()), "a secret reached the log");
        for text in &texts {
            assert!(!text.contains(secret.as_str()), "a secret reached {text}");
        }
    }
}
