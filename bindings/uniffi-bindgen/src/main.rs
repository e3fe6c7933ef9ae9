//! `uniffi-bindgen` at the workspace's uniffi version, so the generated Kotlin and Swift
//! always match the scaffolding compiled into `libjtl_connect_uniffi`:
//!
//! ```sh
//! cargo run -p uniffi-bindgen -- generate --library target/debug/libjtl_connect_uniffi.so \
//!     --language kotlin --out-dir bindings/uniffi/kotlin/target/generated-sources/uniffi
//! ```

fn main() {
    uniffi::uniffi_bindgen_main()
}
