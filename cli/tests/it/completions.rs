//! `completions`: a script per shell that names the commands and flags, and a clear usage
//! error for a shell it does not know.

use crate::support::{exit, run, Harness};

#[test]
fn completions_name_the_commands_and_flags_for_each_shell() {
    let h = Harness::new();
    // fish spells a long flag `-l account`, bash and zsh `--account`.
    for (shell, marker, flag) in [
        ("bash", "-o default jtl-connect", "--"),
        ("zsh", "#compdef jtl-connect", "--"),
        ("fish", "complete -c jtl-connect", "-l "),
    ] {
        let out = run(h.cmd(&["completions", shell])).expect(exit::OK);
        assert!(out.stdout.contains(marker), "{shell}: {marker:?} missing");
        for word in ["accounts", "request", "paginate", "emulator", "completions"] {
            assert!(out.stdout.contains(word), "{shell}: {word:?} missing");
        }
        for name in ["account", "json", "page-size"] {
            let word = format!("{flag}{name}");
            assert!(out.stdout.contains(&word), "{shell}: {word:?} missing");
        }
        assert!(out.stderr.is_empty(), "{shell}: {}", out.stderr);
    }
}

#[test]
fn completions_refuse_an_unknown_shell_with_the_known_ones() {
    let h = Harness::new();
    let out = run(h.cmd(&["completions", "tcsh"])).expect(exit::USAGE);
    assert!(out.stderr.contains("tcsh"), "{}", out.stderr);
    for shell in ["bash", "zsh", "fish"] {
        assert!(
            out.stderr.contains(shell),
            "{shell} missing in {}",
            out.stderr
        );
    }
}
