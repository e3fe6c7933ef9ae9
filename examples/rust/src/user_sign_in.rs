//! Signs a user in (authorization code + PKCE) and calls the ERP API as that user.
//!
//! ```sh
//! jtl-connect emulator &                        # or real credentials and JTL_ENVIRONMENT=production
//! JTL_CLIENT_ID=demo-client-id JTL_CLIENT_SECRET=demo-client-secret \
//!   JTL_ENVIRONMENT=http://127.0.0.1:8787 cargo run -p jtl-connect-example --bin user_sign_in
//! ```
//!
//! Open the printed URL, pick a user, and paste the address the browser was sent back to
//! (`http://127.0.0.1:8765/callback?code=...&state=...`; the page itself need not load).

use std::io::BufRead;

use jtl_connect::{ApiClient, AuthorizationCodeClient, CloudClient, Endpoints, Secret};

#[tokio::main]
async fn main() -> jtl_connect::Result<()> {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let endpoints = Endpoints::from_name(&var("JTL_ENVIRONMENT"))?;
    let auth = AuthorizationCodeClient::builder(var("JTL_CLIENT_ID"))
        .client_secret(Some(Secret::new(var("JTL_CLIENT_SECRET"))))
        .redirect_uri("http://127.0.0.1:8765/callback")
        .scopes(["items.read"])
        .endpoints(endpoints)
        .build()?;
    let pending = auth.start();
    println!(
        "Sign in here:\n  {}\nThen paste the URL you were sent back to:",
        pending.url
    );
    let mut callback = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut callback)
        .map_err(|e| jtl_connect::Error::InvalidInput {
            message: format!("cannot read the callback URL: {e}"),
        })?;
    let grant = auth.finish_redirect(&pending, callback.trim()).await?;
    println!(
        "signed in as {} ({}), tenant {:?}",
        grant.user_name.as_deref().unwrap_or("?"),
        grant.user_id,
        grant.tenant_id
    );
    let client = CloudClient::for_user(&auth, grant)
        .on_grant_change(|g| {
            // Keep the rotated refresh token (here: only say so).
            println!(
                "new grant for {}, access token until {:?}",
                g.user_id, g.expires_at
            );
            Ok(())
        })
        .build()?;
    let info: serde_json::Value = client.get("info").await?.json()?;
    println!("/info as the user: {}", info["user"]);
    Ok(())
}
