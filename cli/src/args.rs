//! The command line, as clap derives it. Values clap cannot check well (systems, JSON,
//! `k=v` pairs) are checked by the commands, so that `--json` reports them as JSON too.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::exit;

/// Connect to JTL from a terminal: stored accounts, access tokens, API calls, session
/// tokens, JTL-Wawi app registration and a local emulator of JTL's servers.
#[derive(Debug, Parser)]
#[command(name = "jtl-connect", version, after_help = exit::HELP)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: Global,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct Global {
    /// Use a stored account (its name, `SYSTEM:NAME` when names repeat, or its id) instead
    /// of JTL_CLIENT_ID / JTL_CLIENT_SECRET.
    #[arg(long, global = true, value_name = "NAME")]
    pub(crate) account: Option<String>,
    /// JTL environment for credentials from the environment: production, beta, dev, qa,
    /// sandbox or a URL (the emulator); default $JTL_ENVIRONMENT, else production. For
    /// `accounts add` the default of --environment.
    #[arg(long = "env", global = true, value_name = "ENV")]
    pub(crate) env: Option<String>,
    /// Machine-readable output: JSON on stdout, errors as JSON on stderr.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// The account database: a SQLite file or a postgresql:// URL (default $JTL_CONNECT_DB,
    /// else the per-user data directory). Its secrets are sealed with $JTL_CONNECT_MASTER_KEY
    /// or (SQLite only) a key file beside it.
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub(crate) db: Option<PathBuf>,
    /// Log token fetches, retries and JWKS fetches to stderr (tokens as fingerprints only).
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
    /// Act as this signed-in user of the --account (its user id; sign in with
    /// `jtl-connect login --account NAME`): user-bound access instead of the app's own.
    #[arg(long, global = true, value_name = "USER_ID")]
    pub(crate) user: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Stored accounts: add, list, edit, delete, test.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Get an access token: its expiry and fingerprint (the token itself only with --show).
    Token(TokenArgs),
    /// Send one API request and print the answer as pretty JSON.
    Request(RequestArgs),
    /// Fetch every page of a list endpoint into a JSON Lines file.
    Paginate(PaginateArgs),
    /// Run a GraphQL query or mutation on the Cloud ERP API and print its data as JSON
    /// (`--paginate CONNECTION` walks a connection into JSON Lines).
    Graphql(GraphqlArgs),
    /// Verify an App Shell session token against JTL's keys: its claims, or why it fails.
    Verify(VerifyArgs),
    /// Show a token's header and claims WITHOUT verifying it.
    Decode(DecodeArgs),
    /// JTL-Wawi: register an app (the two-step flow) and store its API key.
    #[command(subcommand)]
    Wawi(WawiCommand),
    /// Sign a user in to a stored jtl-cloud account in the browser (authorization code +
    /// PKCE on a loopback redirect, like `gh auth login`) and keep the user's grant.
    Login(LoginArgs),
    /// Run the emulator of JTL's servers (like the jtl-emulator binary).
    Emulator(jtl_emulator::cli::EmulatorArgs),
    /// Print a shell completion script (bash, zsh or fish) to stdout.
    Completions(crate::commands::completions::CompletionsArgs),
}

/// `accounts ...`
#[derive(Debug, Subcommand)]
pub(crate) enum AccountsCommand {
    /// Add an account; its secret comes from a hidden prompt or --secret-stdin.
    Add(AddArgs),
    /// List the stored accounts (never a secret).
    List,
    /// Change an account's name, fields or secret.
    Edit(EditArgs),
    /// Delete an account.
    Delete(DeleteArgs),
    /// Test an account: get a token and call the service.
    Test(TestArgs),
    /// Rotate the master key: re-seal every account under a new key (with a key file, a new
    /// random key replaces it; with JTL_CONNECT_MASTER_KEY, give the new key on stdin).
    RotateKey(RotateKeyArgs),
}

/// `accounts rotate-key`
#[derive(Debug, Args)]
pub(crate) struct RotateKeyArgs {
    /// Read the new key (32 bytes as base64 or 64 hex digits) from the first line of stdin.
    #[arg(long)]
    pub(crate) new_key_stdin: bool,
}

/// The non-secret fields of an account, as flags.
#[derive(Debug, Args, Default)]
pub(crate) struct FieldArgs {
    /// jtl-cloud: the app's client id.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,
    /// jtl-cloud: the default tenant (X-Tenant-ID).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant_id: Option<String>,
    /// jtl-cloud, jtl-scx: production, beta, dev, qa, sandbox or a URL.
    #[arg(long, value_name = "ENV")]
    pub(crate) environment: Option<String>,
    /// jtl-wawi: the REST API's base URL, e.g. http://127.0.0.1:5883/api/eazybusiness.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// jtl-wawi: the registered app's id (x-appid, required by JTL-Wawi on data calls).
    #[arg(long, value_name = "ID")]
    pub(crate) app_id: Option<String>,
    /// jtl-wawi: the app's version (x-appversion, required by JTL-Wawi on data calls).
    #[arg(long, value_name = "VERSION")]
    pub(crate) app_version: Option<String>,
    /// jtl-scx: use the SCX sandbox (true or false).
    #[arg(long, value_name = "BOOL")]
    pub(crate) sandbox: Option<String>,
    /// Any field as NAME=VALUE (repeatable); an empty value clears it on edit. Secrets are
    /// refused here.
    #[arg(long = "field", value_name = "NAME=VALUE")]
    pub(crate) fields: Vec<String>,
}

/// `accounts add`
#[derive(Debug, Args)]
pub(crate) struct AddArgs {
    /// jtl-cloud (client id + secret), jtl-wawi (base URL + API key) or jtl-scx (refresh token).
    pub(crate) system: String,
    /// A name for the account (unique per system).
    pub(crate) name: String,
    /// The account's fields.
    #[command(flatten)]
    pub(crate) fields: FieldArgs,
    /// Read the secret (client secret, API key, refresh token) from the first line of stdin
    /// instead of prompting.
    #[arg(long)]
    pub(crate) secret_stdin: bool,
}

/// `accounts edit`
#[derive(Debug, Args)]
pub(crate) struct EditArgs {
    /// The account (name, SYSTEM:NAME or id).
    pub(crate) account: String,
    /// A new name.
    #[arg(long, value_name = "NAME")]
    pub(crate) rename: Option<String>,
    /// Fields to change.
    #[command(flatten)]
    pub(crate) fields: FieldArgs,
    /// Replace the secret with the first line of stdin.
    #[arg(long, conflicts_with = "new_secret")]
    pub(crate) secret_stdin: bool,
    /// Replace the secret, asking for it with a hidden prompt.
    #[arg(long)]
    pub(crate) new_secret: bool,
}

/// `accounts delete`
#[derive(Debug, Args)]
pub(crate) struct DeleteArgs {
    /// The account (name, SYSTEM:NAME or id).
    pub(crate) account: String,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short)]
    pub(crate) yes: bool,
}

/// `accounts test`
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// The account (name, SYSTEM:NAME or id).
    pub(crate) account: String,
    /// Tenant for a jtl-cloud account (default: the account's tenant_id).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
}

/// `token`
#[derive(Debug, Args)]
pub(crate) struct TokenArgs {
    /// Print the token itself (alone on stdout, for `$(jtl-connect token --show)`).
    #[arg(long)]
    pub(crate) show: bool,
}

/// `request`
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS.
    pub(crate) method: String,
    /// Path relative to the API base: `items/7` (Cloud: /erp/v2/, Wawi: the base URL,
    /// SCX: /v1/).
    pub(crate) path: String,
    /// Tenant (X-Tenant-ID) for Cloud (default $JTL_TENANT_ID or the account's tenant_id).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// JSON body: the JSON itself, @FILE, or @- for stdin.
    #[arg(long, short, value_name = "JSON")]
    pub(crate) data: Option<String>,
    /// Query parameter NAME=VALUE (repeatable).
    #[arg(long, short, value_name = "NAME=VALUE")]
    pub(crate) query: Vec<String>,
    /// Extra header "Name: value" (repeatable; not Authorization).
    #[arg(long, short = 'H', value_name = "NAME: VALUE")]
    pub(crate) header: Vec<String>,
}

/// `paginate`
#[derive(Debug, Args)]
pub(crate) struct PaginateArgs {
    /// A list endpoint: `items`, `customers` (Cloud), `v1/items` (Wawi).
    pub(crate) path: String,
    /// The JSON Lines file to write, one record per line (`-` for stdout).
    #[arg(long, short, value_name = "FILE.jsonl")]
    pub(crate) out: PathBuf,
    /// Records per page.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) page_size: u32,
    /// Tenant (X-Tenant-ID) for Cloud (default $JTL_TENANT_ID or the account's tenant_id).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
    /// Query parameter NAME=VALUE (repeatable).
    #[arg(long, short, value_name = "NAME=VALUE")]
    pub(crate) query: Vec<String>,
}

/// `verify`
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The session token (`-` reads it from stdin).
    pub(crate) token: String,
    /// Expected issuer (default https://api.jtl-cloud.com).
    #[arg(long, value_name = "ISS")]
    pub(crate) issuer: Option<String>,
    /// Tolerated clock difference for exp, nbf and iat, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub(crate) leeway: u64,
}

/// `decode`
#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// The token (`-` reads it from stdin).
    pub(crate) token: String,
}

/// `wawi ...`
#[derive(Debug, Subcommand)]
pub(crate) enum WawiCommand {
    /// Ask JTL-Wawi to register an app, wait until the user accepts it in JTL-Wawi, and
    /// store the API key as a jtl-wawi account.
    Register(RegisterArgs),
}

/// `wawi register`
#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// The Wawi REST API, e.g. http://127.0.0.1:5883/api/eazybusiness.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: String,
    /// The tenant's id (a UUID), sent as tenant-id on every registration call (JTL requires it).
    #[arg(long, value_name = "UUID", env = "JTL_TENANT_ID")]
    pub(crate) tenant_id: String,
    /// Which registration path: v1 (PascalCase answers), v2 (camelCase) or unversioned.
    #[arg(long, value_name = "PATH", default_value = "v1")]
    pub(crate) registration_path: String,
    /// Unique app id, e.g. com.example.exporter.
    #[arg(long, value_name = "ID")]
    pub(crate) app_id: String,
    /// The name JTL-Wawi shows the user.
    #[arg(long, value_name = "NAME")]
    pub(crate) name: String,
    /// Scopes the app needs (comma-separated or repeated).
    #[arg(long, value_name = "SCOPE,...", value_delimiter = ',')]
    pub(crate) scopes: Vec<String>,
    /// Scopes the user may grant or not (comma-separated or repeated).
    #[arg(long, value_name = "SCOPE,...", value_delimiter = ',')]
    pub(crate) optional_scopes: Vec<String>,
    /// What the app does (required by JTL-Wawi).
    #[arg(long, default_value = "")]
    pub(crate) description: String,
    /// The app's version.
    #[arg(long, value_name = "VERSION", default_value = "1.0.0")]
    pub(crate) app_version: String,
    /// Who makes the app (required by JTL-Wawi).
    #[arg(long, default_value = "")]
    pub(crate) provider_name: String,
    /// The maker's website (required by JTL-Wawi).
    #[arg(long, default_value = "")]
    pub(crate) provider_website: String,
    /// Name of the jtl-wawi account to store (default: --name).
    #[arg(long, value_name = "NAME")]
    pub(crate) account_name: Option<String>,
    /// Give up after this many seconds without a decision.
    #[arg(long, value_name = "SECS", default_value_t = 600.0)]
    pub(crate) timeout: f64,
    /// Seconds between two polls.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub(crate) poll_interval: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// `graphql`
#[derive(Debug, Args)]
pub(crate) struct GraphqlArgs {
    /// The GraphQL document, or `@FILE.graphql` to read it from a file (`@-`: stdin).
    pub(crate) query: String,
    /// A variable NAME=VALUE (repeatable); VALUE is read as JSON if it is JSON (`5`,
    /// `true`, `{"sku":"A"}`), else as a string.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) var: Vec<String>,
    /// Every variable as one JSON object (`--var` entries are added to it).
    #[arg(long, value_name = "JSON")]
    pub(crate) variables: Option<String>,
    /// Which operation of the document to run.
    #[arg(long, value_name = "NAME")]
    pub(crate) operation_name: Option<String>,
    /// Walk this connection (a path in data, e.g. `QueryItems`) page by page by
    /// `pageInfo.endCursor`; the query declares `$first: Int` and `$after: String`.
    #[arg(long, value_name = "CONNECTION")]
    pub(crate) paginate: Option<String>,
    /// Where to write: the data as JSON, or with --paginate one record per line
    /// (default: stdout).
    #[arg(long, short, value_name = "FILE.jsonl")]
    pub(crate) out: Option<PathBuf>,
    /// Records per page with --paginate.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) page_size: u32,
    /// Tenant (X-Tenant-ID) (default $JTL_TENANT_ID or the account's tenant_id).
    #[arg(long, value_name = "ID")]
    pub(crate) tenant: Option<String>,
}

/// `login`
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Do not open a browser: print the sign-in URL on stdout and wait for the redirect.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Loopback port of the redirect (http://127.0.0.1:PORT/callback); 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// A scope to ask for besides openid and offline_access (repeatable), e.g. items.read.
    #[arg(long = "scope", value_name = "SCOPE")]
    pub(crate) scopes: Vec<String>,
    /// How long to wait for the sign-in, in seconds.
    #[arg(long, default_value_t = 300)]
    pub(crate) timeout: u64,
}
