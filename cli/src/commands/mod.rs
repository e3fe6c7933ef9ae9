//! One module per command; [`run`] dispatches.

mod accounts;
pub(crate) mod completions;
mod emulator;
mod graphql;
mod login;
mod paginate;
mod request;
mod token;
mod verify;
mod wawi;

use crate::{
    args::{Cli, Command, WawiCommand},
    error::CliResult,
};

/// Runs the command `cli` names.
pub(crate) async fn run(cli: Cli) -> CliResult {
    let global = &cli.global;
    match cli.command {
        Command::Accounts(command) => accounts::run(global, command).await,
        Command::Token(args) => token::run(global, &args).await,
        Command::Request(args) => request::run(global, &args).await,
        Command::Paginate(args) => paginate::run(global, &args).await,
        Command::Graphql(args) => graphql::run(global, &args).await,
        Command::Verify(args) => verify::verify(global, &args).await,
        Command::Decode(args) => verify::decode(global, &args),
        Command::Wawi(WawiCommand::Register(args)) => wawi::register(global, &args).await,
        Command::Login(args) => login::run(global, &args).await,
        Command::Emulator(args) => emulator::run(global, &args).await,
        Command::Completions(args) => completions::run(&args),
    }
}
