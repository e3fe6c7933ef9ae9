//! `completions`: prints the shell completion script clap_complete generates from the
//! same command definition the binary parses, so completions never drift from the flags.

use std::io::{self, Write};

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::{
    args::Cli,
    error::{CliError, CliResult},
};

/// `completions`
#[derive(Debug, Args)]
#[command(after_help = "Install, for example:\n  \
    bash: jtl-connect completions bash > ~/.local/share/bash-completion/completions/jtl-connect\n  \
    zsh:  jtl-connect completions zsh > \"${fpath[1]}/_jtl-connect\"\n  \
    fish: jtl-connect completions fish > ~/.config/fish/completions/jtl-connect.fish")]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh or fish (also elvish, powershell).
    pub(crate) shell: Shell,
}

/// Runs `completions`: the script goes to stdout.
pub(crate) fn run(args: &CompletionsArgs) -> CliResult {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "jtl-connect", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::output(&e))
}
