//! Quick start: get a token, call `/info`, verify an App Shell session token.
//!
//! With `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET`, `JTL_TENANT_ID` (and `JTL_ENVIRONMENT`) set it
//! talks to that JTL and verifies the session token given as the first argument. Without
//! them it starts the emulator in-process and mints a session token there.
//!
//! ```sh
//! cargo run -p jtl-connect-example --bin quickstart
//! ```

use jtl_connect::{ApiClient, ClientCredentials, CloudClient, Endpoints, VerifierConfig};
use jtl_emulator::{Emulator, SessionTokenSpec};

#[tokio::main]
async fn main() {
    if let Err(error) = run().await {
        eprintln!("error [{}]: {error}", error.code());
        std::process::exit(1);
    }
}

async fn run() -> jtl_connect::Result<()> {
    // Either real credentials from the environment, or an emulator of our own.
    let (client, emulator) = if std::env::var_os("JTL_CLIENT_ID").is_some() {
        (CloudClient::from_env()?, None)
    } else {
        let emulator = Emulator::start()
            .await
            .map_err(|e| jtl_connect::Error::Config {
                message: e.to_string(),
            })?;
        println!("started the emulator at {}", emulator.url());
        let client = CloudClient::builder(ClientCredentials::new(
            emulator.client_id(),
            emulator.client_secret(),
        )?)
        .endpoints(Endpoints::emulator(emulator.url())?)
        .tenant_id(emulator.tenant_id())
        .build()?;
        (client, Some(emulator))
    };

    let token = client.access_token().await?;
    println!(
        "access token {} valid for {:?}",
        token.fingerprint(),
        token.lifetime()
    );

    let info: serde_json::Value = client.get("info").await?.json()?;
    println!("GET /info -> {info}");

    let session_token = match (&emulator, std::env::args().nth(1)) {
        (_, Some(token)) => token,
        (Some(emulator), None) => {
            emulator
                .mint_session_token(SessionTokenSpec {
                    tenant_slug: Some("demo-shop".into()),
                    ..SessionTokenSpec::default()
                })
                .map_err(|e| jtl_connect::Error::Config {
                    message: e.to_string(),
                })?
                .token
        }
        (None, None) => {
            println!("pass a session token as the first argument to verify it");
            return Ok(());
        }
    };
    let verifier = client.session_verifier(VerifierConfig::default())?;
    let claims = verifier.verify(&session_token).await?;
    println!(
        "session token verified: tenant {} user {} slug {:?}",
        claims.tenant_id, claims.user_id, claims.tenant_slug
    );
    Ok(())
}
