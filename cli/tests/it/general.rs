//! Usage errors, help and version.

use crate::support::{exit, run, Harness};

#[test]
fn usage_errors_exit_2_and_help_documents_exit_codes() {
    let h = Harness::new();
    run(h.cmd(&["frobnicate"])).expect(exit::USAGE);
    run(h.cmd(&["request", "GET"])).expect(exit::USAGE);
    run(h.cmd(&["paginate", "items"])).expect(exit::USAGE);
    run(h.cmd(&["accounts", "add", "jtl-cloud", "x", "--secret", "in-argv"])).expect(exit::USAGE);
    run(h.cmd(&[])).expect(exit::USAGE);

    let help = run(h.cmd(&["--help"])).expect(exit::OK);
    for line in [
        "Exit codes:",
        "    3    config or input",
        "    4    authentication",
        "    6    verification",
    ] {
        assert!(
            help.stdout.contains(line),
            "{line:?} missing in\n{}",
            help.stdout
        );
    }
    let version = run(h.cmd(&["--version"])).expect(exit::OK);
    assert!(
        version.stdout.starts_with("jtl-connect "),
        "{}",
        version.stdout
    );
}
