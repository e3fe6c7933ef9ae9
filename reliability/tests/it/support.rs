//! Shared helpers: an emulator per case and clients pointed at it.

use jtl_connect::{ClientCredentials, CloudClient, Endpoints, HttpOptions, ScxClient, WawiClient};
use jtl_emulator::Emulator;

pub async fn emulator() -> Emulator {
    Emulator::start().await.expect("emulator starts")
}

pub fn endpoints(emu: &Emulator) -> Endpoints {
    Endpoints::emulator(emu.url()).unwrap()
}

/// A Cloud client of the demo client and tenant.
pub fn cloud(emu: &Emulator, http: HttpOptions) -> CloudClient {
    CloudClient::builder(ClientCredentials::new(emu.client_id(), emu.client_secret()).unwrap())
        .endpoints(endpoints(emu))
        .tenant_id(emu.tenant_id())
        .http_options(http)
        .build()
        .unwrap()
}

/// An SCX client with the demo refresh token.
pub fn scx(emu: &Emulator, http: HttpOptions) -> ScxClient {
    ScxClient::builder(emu.scx_refresh_token())
        .endpoints(endpoints(emu))
        .http_options(http)
        .build()
        .unwrap()
}

/// A Wawi client with the demo API key.
pub fn wawi(emu: &Emulator, http: HttpOptions) -> WawiClient {
    WawiClient::builder(&emu.wawi_base(), emu.wawi_api_key())
        .app_id("com.example.reliability/1.0.0")
        .app_version("1.0.0")
        .http_options(http)
        .build()
        .unwrap()
}
